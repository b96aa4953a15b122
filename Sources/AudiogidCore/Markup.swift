/// Text placed inside XML or HTML (SVG maps, GPX, KML, itinerary pages, the staff web page): the five markup
/// characters escaped, so a stop called «Дом "Купца" & сыновья» cannot break the document around it.
public enum Markup {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            // &#39; rather than &apos;: the one spelling every HTML and XML reader knows.
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
