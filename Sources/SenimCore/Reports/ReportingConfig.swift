import Foundation

/// Programme settings for reports (`Config/programme.json`) and the DHIS2 mapping
/// (`Config/dhis2.json`). See docs/reports.md for both files.
public struct ReportingConfig: Sendable {
    /// Calendar periods (days, weeks, months…) are cut in this zone.
    public var timeZone: TimeZone
    /// Counts 1…this are suppressed in every export (never below `minimumSuppression`).
    public var suppressCountsUpTo: Int
    /// What a suppressed cell shows instead of a number.
    public var marker: String
    /// Estimated number of people who inject drugs (denominators come from here, never from data).
    public var pwidEstimate: PopulationEstimate
    /// Items whose quantities count as naloxone doses distributed (SHaRP #11).
    public var naloxoneItems: [String]
    /// The mapping to a national DHIS2 instance, if configured.
    public var dhis2: DHIS2Mapping?

    public static let minimumSuppression = 3
    /// Window length for PRV.9 (regular access), in days.
    public static let regularAccessWindowDays = 30
    /// Stock's "days left" uses the distribution rate of this many days before the period end.
    public static let recentRateDays = 30
    /// Stock's "expiring" column looks this many days past the period end.
    public static let expiryHorizonDays = 90
    /// Age groups: under this age / this age and over.
    public static let youngAgeBelow = 25

    public struct PopulationEstimate: Sendable, Hashable {
        /// For the whole programme (reports over all trust points).
        public var programme: Int?
        /// Per trust point (reports for one point, and the point disaggregation).
        public var points: [String: Int]
        public var year: Int?
        public var source: String?
        public init(programme: Int? = nil, points: [String: Int] = [:], year: Int? = nil, source: String? = nil) {
            self.programme = programme
            self.points = points
            self.year = year
            self.source = source
        }
        /// The estimate for a report scope: one point, or the programme when `point` is nil.
        public func value(point: String?) -> Int? {
            if let point { return points[point] }
            return programme
        }
    }

    public init(timeZone: TimeZone = TimeZone(identifier: "Asia/Almaty")!, suppressCountsUpTo: Int = 4,
                marker: String = "*", pwidEstimate: PopulationEstimate = PopulationEstimate(),
                naloxoneItems: [String] = ["naloxone"], dhis2: DHIS2Mapping? = nil) {
        self.timeZone = timeZone
        self.suppressCountsUpTo = max(Self.minimumSuppression, suppressCountsUpTo)
        self.marker = marker
        self.pwidEstimate = pwidEstimate
        self.naloxoneItems = naloxoneItems
        self.dhis2 = dhis2
    }

    /// Asia/Almaty, counts 1–4 suppressed as "*", no population estimate, no DHIS2 mapping.
    public static let `default` = ReportingConfig()

    /// Parses `programme.json` (nil: defaults) and `dhis2.json` (nil: no mapping), checking ids
    /// against the catalogue and the trust points.
    public static func load(programme: Data?, dhis2: Data?, catalogue: Catalogue, points: Points) throws -> ReportingConfig {
        var c = ReportingConfig.default
        if let programme { try c.parseProgramme(programme, catalogue: catalogue, points: points) }
        if let dhis2 { c.dhis2 = try DHIS2Mapping.load(json: dhis2, catalogue: catalogue, points: points) }
        return c
    }

    private mutating func parseProgramme(_ data: Data, catalogue: Catalogue, points: Points) throws {
        let file = "programme.json"
        struct Raw: Decodable {
            struct Suppression: Decodable { var countsUpTo: Int?; var marker: String? }
            struct Estimate: Decodable { var programme: Int?; var points: [String: Int]?; var year: Int?; var source: String? }
            struct Estimates: Decodable { var pwid: Estimate? }
            var version: Int?
            var timeZone: String?
            var suppression: Suppression?
            var populationEstimates: Estimates?
            var naloxoneItems: [String]?
        }
        let raw: Raw
        do { raw = try JSONDecoder().decode(Raw.self, from: data) } catch {
            throw ConfigError(file: file, field: "(document)", problem: ConfigDecoding.describe(error))
        }
        if let tz = raw.timeZone {
            guard let zone = TimeZone(identifier: tz) else {
                throw ConfigError(file: file, field: "timeZone", problem: "'\(tz)' is not a time zone of the tz database (e.g. Asia/Almaty)")
            }
            timeZone = zone
        }
        if let s = raw.suppression {
            if let n = s.countsUpTo {
                guard n >= Self.minimumSuppression, n <= 100 else {
                    throw ConfigError(file: file, field: "suppression.countsUpTo",
                                      problem: "must be \(Self.minimumSuppression)…100 (got \(n)): counts 1…\(Self.minimumSuppression) are always suppressed")
                }
                suppressCountsUpTo = n
            }
            if let m = s.marker {
                let t = m.trimmingCharacters(in: .whitespaces)
                guard !t.isEmpty, t.count <= 8, Double(t) == nil, !t.contains(where: { $0.isNumber }) else {
                    throw ConfigError(file: file, field: "suppression.marker",
                                      problem: "must be 1–8 characters with no digits, so it cannot be read as a number")
                }
                marker = t
            }
        }
        if let e = raw.populationEstimates?.pwid {
            if let p = e.programme, p <= 0 {
                throw ConfigError(file: file, field: "populationEstimates.pwid.programme", problem: "must be a positive number or null")
            }
            for (id, v) in e.points ?? [:] {
                guard points.point(id) != nil else {
                    throw ConfigError(file: file, field: "populationEstimates.pwid.points.\(id)", problem: "no trust point with this id")
                }
                guard v > 0 else {
                    throw ConfigError(file: file, field: "populationEstimates.pwid.points.\(id)", problem: "must be positive")
                }
            }
            if let y = e.year, !(1990...2100).contains(y) {
                throw ConfigError(file: file, field: "populationEstimates.pwid.year", problem: "must be a year (1990–2100)")
            }
            pwidEstimate = PopulationEstimate(programme: e.programme, points: e.points ?? [:], year: e.year,
                                              source: e.source.flatMap { $0.isEmpty ? nil : $0 })
        }
        if let n = raw.naloxoneItems {
            for (i, id) in n.enumerated() where catalogue.item(id) == nil {
                throw ConfigError(file: file, field: "naloxoneItems[\(i)]", problem: "no catalogue item '\(id)'")
            }
            naloxoneItems = n
        }
    }
}

/// Where each indicator goes in a DHIS2 instance (`Config/dhis2.json`).
public struct DHIS2Mapping: Sendable, Hashable {
    public struct Element: Sendable, Hashable {
        public var dataElement: String
        /// Used for the total when the report is not disaggregated (or disaggregated by point).
        public var categoryOptionCombo: String?
        /// Per disaggregation (`sex`, `age`, `type`, `worker`): column id → categoryOptionCombo.
        public var disaggregations: [String: [String: String]]
    }

    public var dataSet: String?
    public var attributeOptionCombo: String?
    /// The organisation unit of the whole programme (reports over all points).
    public var programmeOrgUnit: String?
    /// Trust point id → organisation unit.
    public var orgUnits: [String: String]
    /// Indicator (row) id → data element.
    public var dataElements: [String: Element]
    public var storedBy: String?

    /// DHIS2 identifiers: 11 characters, a letter then letters or digits.
    public static func isUID(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 11 else { return false }
        func letter(_ c: UInt8) -> Bool { (65...90).contains(c) || (97...122).contains(c) }
        func digit(_ c: UInt8) -> Bool { (48...57).contains(c) }
        return letter(u[0]) && u.dropFirst().allSatisfy { letter($0) || digit($0) }
    }

    public init(dataSet: String? = nil, attributeOptionCombo: String? = nil, programmeOrgUnit: String? = nil,
                orgUnits: [String: String] = [:], dataElements: [String: Element] = [:], storedBy: String? = nil) {
        self.dataSet = dataSet
        self.attributeOptionCombo = attributeOptionCombo
        self.programmeOrgUnit = programmeOrgUnit
        self.orgUnits = orgUnits
        self.dataElements = dataElements
        self.storedBy = storedBy
    }

    public static func load(json: Data, catalogue: Catalogue, points: Points, file: String = "dhis2.json") throws -> DHIS2Mapping {
        struct RawElement: Decodable {
            var dataElement: String?
            var categoryOptionCombo: String?
            var sex: [String: String]?
            var age: [String: String]?
            var type: [String: String]?
            var worker: [String: String]?
            var gender: [String: String]?
            var substance: [String: String]?
        }
        struct Raw: Decodable {
            var version: Int?
            var dataSet: String?
            var attributeOptionCombo: String?
            var programmeOrgUnit: String?
            var orgUnits: [String: String]?
            var dataElements: [String: RawElement]?
            var storedBy: String?
        }
        let raw: Raw
        do { raw = try JSONDecoder().decode(Raw.self, from: json) } catch {
            throw ConfigError(file: file, field: "(document)", problem: ConfigDecoding.describe(error))
        }
        func uid(_ v: String?, _ field: String) throws -> String? {
            guard let v else { return nil }
            guard isUID(v) else {
                throw ConfigError(file: file, field: field, problem: "'\(v)' is not a DHIS2 UID (11 letters or digits, starting with a letter)")
            }
            return v
        }
        var m = DHIS2Mapping()
        m.dataSet = try uid(raw.dataSet, "dataSet")
        m.attributeOptionCombo = try uid(raw.attributeOptionCombo, "attributeOptionCombo")
        m.programmeOrgUnit = try uid(raw.programmeOrgUnit, "programmeOrgUnit")
        m.storedBy = raw.storedBy.flatMap { $0.isEmpty ? nil : $0 }
        for (p, ou) in raw.orgUnits ?? [:] {
            guard points.point(p) != nil else {
                throw ConfigError(file: file, field: "orgUnits.\(p)", problem: "no trust point with this id")
            }
            m.orgUnits[p] = try uid(ou, "orgUnits.\(p)")
        }
        let known = Set(Reports.indicatorIDs(catalogue: catalogue))
        for (id, e) in raw.dataElements ?? [:] {
            let f = "dataElements.\(id)"
            guard known.contains(id) else {
                throw ConfigError(file: file, field: f, problem: "no indicator with this id (see docs/indicators.md)")
            }
            guard let de = try uid(e.dataElement, f + ".dataElement") else {
                throw ConfigError(file: file, field: f + ".dataElement", problem: "missing")
            }
            var el = Element(dataElement: de, categoryOptionCombo: try uid(e.categoryOptionCombo, f + ".categoryOptionCombo"),
                             disaggregations: [:])
            for (name, table) in [("sex", e.sex), ("age", e.age), ("type", e.type), ("worker", e.worker), ("gender", e.gender),
                                 ("substance", e.substance)] {
                guard let table else { continue }
                var out: [String: String] = [:]
                for (col, coc) in table { out[col] = try uid(coc, "\(f).\(name).\(col)") }
                el.disaggregations[name] = out
            }
            m.dataElements[id] = el
        }
        return m
    }
}
