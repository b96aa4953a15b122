import AudiogidCore
import Foundation
import GRDB

/// What the index remembers about one clip file, so start-up does not open and measure it again.
public struct IndexedClip: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "clip"

    public var path: String
    public var size: Int64
    public var modified: Double
    public var checksum: String
    public var frames: Int64
    public var sampleRate: Int
    public var channels: Int
    public var format: String
    public var duration: Double
    public var loudnessLUFS: Double?
    public var indexedAt: Double
    public var truePeakDBTP: Double?

    public init(path: String, size: Int64, modified: Double, checksum: String, info: ClipInfo,
                loudnessLUFS: Double?, truePeakDBTP: Double? = nil, indexedAt: Double) {
        self.path = path
        self.size = size
        self.modified = modified
        self.checksum = checksum
        self.frames = info.frames
        self.sampleRate = info.sampleRate
        self.channels = info.channels
        self.format = info.format
        self.duration = info.durationSeconds
        self.loudnessLUFS = loudnessLUFS
        self.truePeakDBTP = truePeakDBTP
        self.indexedAt = indexedAt
    }

    public var info: ClipInfo { ClipInfo(frames: frames, sampleRate: sampleRate, channels: channels, format: format) }
}

extension KioskStore {
    public func indexedClips() throws -> [String: IndexedClip] {
        try queue.read { db in
            Dictionary(uniqueKeysWithValues: try IndexedClip.fetchAll(db).map { ($0.path, $0) })
        }
    }

    public func saveClips(_ clips: [IndexedClip]) throws {
        guard !clips.isEmpty else { return }
        try queue.write { db in
            for clip in clips { try clip.upsert(db) }
        }
    }
}
