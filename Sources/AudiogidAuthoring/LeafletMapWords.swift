import AudiogidRoute

/// The route map's legend in the leaflet's other languages (English is the route engine's own).
extension MapWords {
    static let russian: MapWords = {
        var words = MapWords()
        (words.onFoot, words.byBoat, words.kmh, words.loop, words.oneWay) = ("Пешком", "На теплоходе", "км/ч", "по кругу", "в одну сторону")
        words.fixedOrder = "в порядке автора"
        words.provenShortest = "кратчайший, найден точно (Хелд — Карп)"
        words.nearShortest = "почти кратчайший (локальный поиск)"
        words.chainage = "вдоль реки (по фарватеру)"
        words.followsRiver = "Маршрут идёт по фарватеру"
        words.followsPaths = "Маршрут идёт по дорожкам"
        words.dashedStreets = "Пунктир: прямые × {factor} на улицы"
        words.dashed = "Пунктир: прямые"
        (words.walk, words.sail, words.backToStart, words.distance) = ("пешком", "на теплоходе", "обратно к 1", "Расстояние")
        (words.walking, words.sailing, words.listening) = ("В пути", "В пути", "рассказы")
        (words.atStops, words.tour) = ("На остановках", "всего")
        (words.seconds, words.minutes, words.hours, words.metres, words.kilometres, words.north) = ("с", "мин", "ч", "м", "км", "С")
        return words
    }()

    static let chinese: MapWords = {
        var words = MapWords()
        (words.onFoot, words.byBoat, words.kmh, words.loop, words.oneWay) = ("步行", "乘船", "公里/小时", "环线", "单程")
        words.fixedOrder = "按作者顺序"
        words.provenShortest = "已优化，确证最短（Held–Karp）"
        words.nearShortest = "已优化（局部搜索，接近最短）"
        words.chainage = "沿河（按里程）"
        words.followsRiver = "路线沿航道"
        words.followsPaths = "路线沿步道"
        words.dashedStreets = "虚线：直线 × {factor}（街道）"
        words.dashed = "虚线：直线"
        (words.walk, words.sail, words.backToStart, words.distance) = ("步行", "航行", "返回 1", "距离")
        (words.walking, words.sailing, words.listening) = ("步行", "航行", "讲解")
        (words.atStops, words.tour) = ("停留", "全程")
        (words.seconds, words.minutes, words.hours, words.metres, words.kilometres, words.north) = ("秒", "分钟", "小时", "米", "公里", "北")
        return words
    }()
}
