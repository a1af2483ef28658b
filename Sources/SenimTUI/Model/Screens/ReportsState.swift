import SenimCore

public struct ReportsState: Hashable, Sendable {
    /// The period shown; nil = the current month.
    public var period: ReportPeriod?
    /// Index into the scopes the role may see (see `ReportScreen.scopes`).
    public var scope = 0
    /// The breakdown shown beside the totals (sex, age, point, worker, contact type), if any.
    public var by: Disaggregation?
    public var selection = 0
}
