import Testing
@testable import AudiogidCore

@Suite(.timeLimit(.minutes(3))) struct TourRulesTests {
    let locator = FieldLocator(file: "tour.yaml", positions: [
        "stops[1].number": SourceLocation(file: "tour.yaml", line: 12, column: 5),
        "route": SourceLocation(file: "tour.yaml", line: 6, column: 1),
    ])

    func tour(_ stops: [Stop], route: RoutePlan = RoutePlan(), mode: TravelMode = .walk) -> Tour {
        Tour(id: "t", title: LocalizedText(["ru": "Т"]), languages: ["ru", "en"], mode: mode, route: route, stops: stops)
    }

    func stop(_ id: String, _ number: Int, location: Coordinate? = Coordinate(lat: 50, lon: 127)) -> Stop {
        Stop(id: id, number: number, title: LocalizedText(["ru": id]), location: location, audio: ["ru": "\(id).ogg", "en": "\(id).en.ogg"])
    }

    @Test func aCleanTourHasNoFindings() {
        #expect(TourRules.check(tour([stop("a", 1), stop("b", 2)]), locator: locator).isEmpty)
    }

    @Test func duplicateNumbersPointAtTheSecondStop() {
        let findings = TourRules.check(tour([stop("a", 1), stop("b", 1)]), locator: locator)
        #expect(findings.count == 1)
        #expect(findings.first?.location.line == 12)
        #expect(findings.first?.stop == "b")
        #expect(findings.first?.message.contains("already used by stop 'a'") == true)
    }

    @Test func routeEndsMustNameStopsAndLoopsCannotEndElsewhere() {
        let findings = TourRules.check(tour([stop("alpha", 1), stop("beta", 2)],
                                            route: RoutePlan(start: "aplha", end: "beta", loop: true)), locator: locator)
        #expect(findings.map(\.field) == ["route.start", "route.end"])
        #expect(findings.first?.message.contains("did you mean 'alpha'") == true)
        #expect(findings.first?.location.line == 6, "falls back to the route line")
    }

    @Test func boatStopsNeedAPlace() {
        let findings = TourRules.check(tour([stop("a", 1, location: nil)], mode: .boat), locator: locator)
        #expect(findings.contains { $0.severity == .error && $0.message.contains("a boat tour needs one") })
    }

    @Test func optimizedRoutesNameTheStopsTheyCannotPlace() {
        let findings = TourRules.check(tour([stop("a", 1), stop("hall", 2, location: nil)], route: RoutePlan(order: .optimize)),
                                       locator: locator)
        #expect(findings.map(\.message) == ["the route cannot place stops without a location: hall"])
        #expect(findings.first?.severity == .warning)
    }

    @Test func reportedFieldsAreNotReportedTwice() {
        var quiet = locator
        quiet.reported = ["stops[1].number"]
        #expect(TourRules.check(tour([stop("a", 1), stop("b", 1)]), locator: quiet).isEmpty)
    }

    @Test func suggestionsCatchTyposButNotStrangers() {
        #expect(TourRules.suggestion(for: "frist", among: ["first", "second"]) == "first")
        #expect(TourRules.suggestion(for: "tittle", among: ["title", "transcript"]) == "title")
        #expect(TourRules.suggestion(for: "radius", among: ["radius_m", "dwell_s"]) == "radius_m")
        #expect(TourRules.suggestion(for: "colour", among: ["title", "number"]) == nil)
        #expect(TourRules.editDistance("ab", "ba") == 1)
    }

    @Test func locatorFallsBackToParents() {
        #expect(locator.locate("stops[1].number.extra").line == 12)
        #expect(locator.locate("route.start").line == 6)
        #expect(locator.locate("nowhere").line == 1)
    }
}
