import Foundation

public enum ReportFormat: String, CaseIterable, Sendable {
    case table, csv, json
    case dhis2Json = "dhis2-json"
    case dhis2Csv = "dhis2-csv"

    /// Everything but the on-screen table is an export (Policy .exportReports).
    public var isExport: Bool { self != .table }
    public var isDHIS2: Bool { self == .dhis2Json || self == .dhis2Csv }
}

/// The columns a report can be split by.
public enum Disaggregation: String, CaseIterable, Sendable {
    case sex, age, point, worker, type
    /// Self-described gender from the client's profile as it was at each contact (not recorded: `unknown`).
    case gender
    /// Main substances from the client's profile at each contact: one substance, `several`, or `unknown`.
    case substance

    /// Attributes of the person (one column per client), as opposed to attributes of a contact.
    public var isPersonAttribute: Bool { self == .sex || self == .age }
}

/// What the CLI or TUI asks for.
public struct ReportRequest: Sendable {
    public var period: ReportPeriod
    public var point: String?
    public var by: Disaggregation?
    public var format: ReportFormat
    /// Small-cell suppression; on unless a coordinator turns it off (the output is then marked internal).
    public var suppress: Bool = true
    /// A list of clients (with their codes) instead of aggregates: coordinators only, marked identifying.
    public var lineList: Bool = false

    public init(period: ReportPeriod, point: String? = nil, by: Disaggregation? = nil, format: ReportFormat = .table,
                suppress: Bool = true, lineList: Bool = false) {
        self.period = period
        self.point = point
        self.by = by
        self.format = format
        self.suppress = suppress
        self.lineList = lineList
    }
}

/// A label resolved at render time in the reader's language.
public enum ReportLabel: Sendable, Hashable {
    /// A key of `Config/locales/<lang>/reports.json` with arguments.
    case key(String, [String])
    /// A name from the catalogue or the trust points.
    case text(LocalizedText)
    /// Shown as is (user names, ids not in the catalogue).
    case literal(String)

    public func text(_ strings: Strings, _ lang: Language) -> String {
        switch self {
        case .key(let k, let args): strings.t(k, lang, args)
        case .text(let t): t[lang]
        case .literal(let s): s
        }
    }
}

/// What a number in a cell is.
public enum ValueKind: String, Sendable, Hashable {
    /// People or events (clients, contacts, overdoses, referrals): suppressed when small.
    case count
    /// Goods handed to clients (items, naloxone doses): suppressed when small.
    case quantity
    /// A quotient of two figures (contacts per client, needles/syringes per client or per person).
    case ratio
    /// A share in per cent.
    case percent
    /// A number of days (median days to attendance, days of stock left).
    case days
    /// Stock held by the programme (not about people; not suppressed).
    case stock

    public var isCount: Bool { self == .count || self == .quantity }
    public var isDerived: Bool { self == .ratio || self == .percent || self == .days }
}

public struct ReportColumn: Sendable, Hashable {
    public var id: String
    public var label: ReportLabel
    public var isTotal: Bool
    public init(id: String, label: ReportLabel, isTotal: Bool = false) {
        self.id = id
        self.label = label
        self.isTotal = isTotal
    }
}

public struct ReportRow: Sendable {
    /// Stable id, also the key of the DHIS2 mapping (docs/indicators.md lists them).
    public var id: String
    public var label: ReportLabel
    /// Rows of the stock table are grouped by trust point.
    public var group: String?
    public var groupLabel: ReportLabel?
    public var kind: ValueKind
    /// One value per column of the table; nil where the indicator does not apply.
    public var values: [Double?]
    /// Set by suppression (same length as `values`).
    public var suppressed: [Bool]
    /// The value is scaled to a year (a shorter or longer period).
    public var annualised: Bool
    /// One line of a per-item or per-service breakdown (the terminal table hides such lines when all zero).
    public var detail: Bool
    /// For derived rows: the rows (ids) whose cells in the same column this one is computed from.
    public var dependsOn: [String]
    /// Counts distinct people: one person can be in several contact-attribute columns (point,
    /// worker, type), so such a row does not add up across them.
    public var countsPeople: Bool

    public init(id: String, label: ReportLabel, kind: ValueKind, values: [Double?], annualised: Bool = false,
                detail: Bool = false, dependsOn: [String] = [], group: String? = nil, groupLabel: ReportLabel? = nil,
                countsPeople: Bool = false) {
        self.id = id
        self.label = label
        self.kind = kind
        self.values = values
        self.suppressed = Array(repeating: false, count: values.count)
        self.annualised = annualised
        self.detail = detail
        self.dependsOn = dependsOn
        self.group = group
        self.groupLabel = groupLabel
        self.countsPeople = countsPeople
    }

    /// True when the cell is shown as a number (not suppressed, applicable).
    public func shown(_ column: Int) -> Bool { values[column] != nil && !suppressed[column] }
}

public struct ReportTable: Sendable {
    public var id: String
    public var title: ReportLabel
    public var columns: [ReportColumn]
    public var rows: [ReportRow]
    /// Whether small-cell suppression applies (every table about clients; not the stock table).
    public var suppressible: Bool
    /// Suppressed in every export, even one a coordinator asked to have exact (rights-violation
    /// incidents: a small count at one point and week can point at a person).
    public var alwaysSuppressed: Bool = false

    public func row(_ id: String) -> ReportRow? { rows.first { $0.id == id } }
    public func column(_ id: String) -> Int? { columns.firstIndex { $0.id == id } }
}

/// A cell of a report: table, row and column indices.
public struct CellRef: Sendable, Hashable, Comparable {
    public var table: Int
    public var row: Int
    public var column: Int
    public init(_ table: Int, _ row: Int, _ column: Int) {
        self.table = table
        self.row = row
        self.column = column
    }
    public static func < (a: CellRef, b: CellRef) -> Bool {
        (a.table, a.row, a.column) < (b.table, b.row, b.column)
    }
}

/// `total` = sum of `parts`: anyone can check it, so suppression must make sure no single
/// hidden cell can be worked out from it.
public struct CellRelation: Sendable, Hashable {
    public var total: CellRef
    public var parts: [CellRef]
    public init(total: CellRef, parts: [CellRef]) {
        self.total = total
        self.parts = parts
    }
}

/// One client in a line list (identifying: coordinators only).
public struct LineListEntry: Sendable, Hashable {
    public var uic: String
    /// Other codes merged into this one.
    public var mergedCodes: [String]
    public var sex: String?
    public var ageGroup: String
    public var firstSeen: String
    public var contacts: Int
    public var needlesSyringes: Int
    public var lastContact: String
}

/// Figures for one period and scope, as computed from the ledger. `compute` returns exact
/// values (`internal` is true); `Suppression.apply` hides small cells for export.
public struct IndicatorReport: Sendable {
    public var period: ReportPeriod
    public var point: String?
    public var by: Disaggregation?
    public var tables: [ReportTable]
    public var relations: [CellRelation]
    /// Exact figures, not for distribution.
    public var `internal`: Bool = true
    /// Small cells hidden (the threshold used is in `suppressedUpTo`).
    public var suppressed: Bool = false
    public var suppressedUpTo: Int = 0
    /// Number of events the ledger held (shows what the figures were computed from).
    public var eventCount: Int
    /// Population estimate used (nil: none configured for this scope).
    public var pwidEstimate: Int?
    /// The client list when one was asked for (identifying).
    public var lineList: [LineListEntry]?
    public var identifying: Bool { lineList != nil }

    public func table(_ id: String) -> ReportTable? { tables.first { $0.id == id } }

    /// Finds a row by id in any table.
    public func row(_ id: String) -> ReportRow? {
        for t in tables { if let r = t.row(id) { return r } }
        return nil
    }

    /// The value of a row in a column (`"total"` by default); nil if missing, not applicable or suppressed.
    public func value(_ rowID: String, _ column: String = "total") -> Double? {
        for t in tables {
            guard let r = t.rows.firstIndex(where: { $0.id == rowID }), let c = t.column(column) else { continue }
            let row = t.rows[r]
            return row.suppressed[c] ? nil : row.values[c]
        }
        return nil
    }

    /// Whether a cell is suppressed.
    public func isSuppressed(_ rowID: String, _ column: String = "total") -> Bool {
        for t in tables {
            guard let r = t.rows.firstIndex(where: { $0.id == rowID }), let c = t.column(column) else { continue }
            return t.rows[r].suppressed[c]
        }
        return false
    }
}
