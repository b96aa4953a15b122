/// A spreadsheet as the import reads it: the first sheet's rows, each with the row number staff see in their
/// spreadsheet program, so a finding can say `stops.xlsx:7:4`.
public struct Sheet: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        /// 1-based, as the spreadsheet program numbers it.
        public var number: Int
        public var cells: [String]

        public init(number: Int, cells: [String]) {
            self.number = number
            self.cells = cells
        }

        public func cell(_ column: Int) -> String { column < cells.count ? cells[column] : "" }
        var isBlank: Bool { cells.allSatisfy { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } }
    }

    /// The file name findings are reported against.
    public var file: String
    public var rows: [Row]

    public init(file: String, rows: [Row]) {
        self.file = file
        self.rows = rows
    }
}

import Foundation
