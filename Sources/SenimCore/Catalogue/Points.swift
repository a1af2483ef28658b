import Foundation

/// The trust points of this installation (`Config/points.json`).
public struct TrustPoint: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable, Hashable { case stationary, mobile }
    public var id: String
    public var names: LocalizedText
    public var kind: Kind
}

public struct Points: Sendable, Hashable {
    public var points: [TrustPoint]

    public init(points: [TrustPoint]) { self.points = points }

    public func point(_ id: String) -> TrustPoint? { points.first { $0.id == id } }

    public static func load(json: Data, file: String = "points.json") throws -> Points {
        struct Raw: Codable { var version: Int?; var points: [TrustPoint]? }
        let raw: Raw
        do { raw = try JSONDecoder().decode(Raw.self, from: json) } catch {
            throw ConfigError(file: file, field: "(document)", problem: ConfigDecoding.describe(error))
        }
        guard let pts = raw.points, !pts.isEmpty else {
            throw ConfigError(file: file, field: "points", problem: "missing or empty")
        }
        var seen = Set<String>()
        for (i, p) in pts.enumerated() {
            guard Catalogue.isValidID(p.id), seen.insert(p.id).inserted else {
                throw ConfigError(file: file, field: "points[\(i)].id", problem: "'\(p.id)' is not a unique kebab-case id")
            }
            for l in Language.allCases where p.names[l].isEmpty {
                throw ConfigError(file: file, field: "points[\(i)].names.\(l.rawValue)", problem: "empty name")
            }
        }
        return Points(points: pts)
    }
}

/// Everything read from `Config/` at start-up.
public struct Configuration: Sendable {
    public var catalogue: Catalogue
    public var uic: UICFormula
    public var points: Points
    public var strings: Strings
    /// Report settings (`programme.json`) and the DHIS2 mapping (`dhis2.json`); defaults if absent.
    public var reporting: ReportingConfig

    public init(catalogue: Catalogue, uic: UICFormula, points: Points, strings: Strings,
                reporting: ReportingConfig = .default) {
        self.catalogue = catalogue
        self.uic = uic
        self.points = points
        self.strings = strings
        self.reporting = reporting
    }

    /// Reads the configuration through `read` (a file reader the caller passes in: the core
    /// does no file access of its own). `read("catalogue.json")`, `read("locales/ru/core.json")`…
    /// `list("locales/ru")` names the JSON files in a locale folder.
    public static func load(read: (String) throws -> Data, list: (String) throws -> [String]) throws -> Configuration {
        let catalogue = try Catalogue.load(json: try read("catalogue.json"))
        let uic = try UICFormula.load(json: try read("uic.json"))
        let points = try Points.load(json: try read("points.json"))
        var tables: [Language: [String: String]] = [:]
        for lang in Language.allCases {
            var table: [String: String] = [:]
            for name in try list("locales/\(lang.rawValue)").sorted() where name.hasSuffix(".json") {
                let path = "locales/\(lang.rawValue)/\(name)"
                let data = try read(path)
                let part: [String: String]
                do { part = try JSONDecoder().decode([String: String].self, from: data) } catch {
                    throw ConfigError(file: path, field: "(document)", problem: ConfigDecoding.describe(error))
                }
                for (k, v) in part {
                    guard table.updateValue(v, forKey: k) == nil else {
                        throw ConfigError(file: path, field: k, problem: "key defined twice in locales/\(lang.rawValue)")
                    }
                }
            }
            tables[lang] = table
        }
        let strings = Strings(tables: tables)
        if let missing = strings.missingKeys().first {
            throw ConfigError(file: "locales/\(missing.language.rawValue)", field: missing.key,
                              problem: "missing translation (every string must exist in en, ru and kk)")
        }
        // Optional files: a missing programme.json means the defaults (Asia/Almaty, counts 1–4
        // suppressed), a missing dhis2.json means no DHIS2 export. A present file must parse.
        let reporting = try ReportingConfig.load(programme: try? read("programme.json"), dhis2: try? read("dhis2.json"),
                                                 catalogue: catalogue, points: points)
        return Configuration(catalogue: catalogue, uic: uic, points: points, strings: strings, reporting: reporting)
    }
}
