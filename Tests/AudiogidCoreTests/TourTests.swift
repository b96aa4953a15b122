import Testing
@testable import AudiogidCore

@Suite(.timeLimit(.minutes(3))) struct TourTests {
    let tour = Tour(id: "t", languages: ["ru", "en"], stops: [
        Stop(id: "a", number: 1, title: LocalizedText(["ru": "А", "en": "A"]),
             audio: ["ru": "t/a.ru.ogg", "en": "t/a.en.ogg"]),
        Stop(id: "b", number: 2, title: LocalizedText(["ru": "Б"]), audio: ["ru": "t/b.ru.ogg"]),
    ])

    @Test func clipInVisitorsLanguage() {
        #expect(tour.clip(for: tour.stops[0], language: "en") == ClipChoice(path: "t/a.en.ogg", language: "en", isFallback: false))
    }

    @Test func clipFallsBackToDefaultLanguage() {
        #expect(tour.clip(for: tour.stops[1], language: "en") == ClipChoice(path: "t/b.ru.ogg", language: "ru", isFallback: true))
    }

    @Test func titleFallsBackToDefaultLanguage() {
        #expect(tour.title(of: tour.stops[1], in: "zh") == "Б")
        #expect(tour.stop(number: 2)?.id == "b")
    }
}
