import Foundation

/// Services delivered at contacts (`Contact.services`): times delivered and distinct clients,
/// per column and service (by the ledger's services interner index).
struct ServiceTally {
    /// Number of services (interner size) and 64-bit words per client bit set.
    var services = 0
    var words = 0
    /// `delivered[column * services + service]`: contacts that delivered the service.
    var delivered: [Int] = []
    /// `clients[column * services + service]`: distinct clients who received it.
    var clients: [Int] = []
    /// Services each canonical client received in the scope: `clientSets[client * words + word]`.
    var clientSets: [UInt64] = []
    /// The same per (client, column) when a client can be in several columns: key `(client * rawCount + column) * words + word`.
    var pairSets: [Int: UInt64] = [:]
    /// Rapid test results: `results[(column * services + service) * results + result]`, results
    /// in `TestResult.allCases` order (tests without a result are `delivered` minus their sum).
    var results: [Int] = []
    static let resultCount = TestResult.allCases.count
    static let resultIndex = Dictionary(uniqueKeysWithValues: TestResult.allCases.enumerated().map { ($1, $0) })
    /// Clients with a reactive result per column and service: keys `(client * columns + column) * services + service`.
    var reactiveKeys: Set<Int> = []
    /// `reactive[column * services + service]`: distinct clients with a reactive result (from `reactiveKeys`).
    var reactive: [Int] = []
    var columns = 0

    init() {}
    init(services: Int, clients: Int, columns: Int) {
        self.services = services
        words = max(1, (services + 63) / 64)
        delivered = [Int](repeating: 0, count: columns * services)
        self.clients = delivered
        reactive = delivered
        self.columns = columns
        results = [Int](repeating: 0, count: columns * services * Self.resultCount)
        clientSets = [UInt64](repeating: 0, count: clients * words)
    }

    /// Adds one bit set's services to the client counts of `column`.
    mutating func countClients(_ set: UInt64, word: Int, column: Int) {
        var m = set
        while m != 0 {
            let s = word * 64 + m.trailingZeroBitCount
            clients[column * services + s] += 1
            m &= m - 1
        }
    }
}

extension ServiceTally {
    /// Records the rapid test results of one in-scope contact of canonical client `c` in column `col` (-1: none).
    mutating func recordResults(_ list: [ServiceResult], services interner: Interner, client c: Int, column col: Int, total: Int) {
        for r in list {
            guard let s = interner.lookup(r.service).map(Int.init), s < services else { continue }
            let k = Self.resultIndex[r.result]!
            for t in col >= 0 ? [total, col] : [total] {
                results[(t * services + s) * Self.resultCount + k] += 1
                if r.result == .reactive { reactiveKeys.insert((c * columns + t) * services + s) }
            }
        }
    }

    /// Distinct clients with a reactive result, per column and service.
    mutating func countReactive() {
        for key in reactiveKeys { reactive[key % (columns * services)] += 1 }
    }
}

extension ReportAccumulator {
    /// Records the services of one in-scope contact of canonical client `c` in column `col` (-1: none).
    @inline(__always)
    static func recordServices(_ tally: inout ServiceTally, _ list: ArraySlice<Int32>, client c: Int, column col: Int,
                               total: Int, rawCount: Int, personal: Bool) {
        let ns = tally.services, words = tally.words
        var i = list.startIndex
        while i < list.endIndex {
            let s = Int(list[i])
            // A service listed twice in one contact is delivered once.
            if !list[list.startIndex..<i].contains(list[i]) {
                tally.delivered[total * ns + s] += 1
                if col >= 0 { tally.delivered[col * ns + s] += 1 }
                let bit: UInt64 = 1 << UInt64(s & 63)
                tally.clientSets[c * words + (s >> 6)] |= bit
                if !personal { tally.pairSets[(c * rawCount + col) * words + (s >> 6), default: 0] |= bit }
            }
            i += 1
        }
    }

    /// Distinct clients per service and column, from the bit sets.
    mutating func countServiceClients() {
        let words = services.words
        for c in reached {
            let ci = Int(c)
            for w in 0..<words {
                let set = services.clientSets[ci * words + w]
                guard set != 0 else { continue }
                services.countClients(set, word: w, column: total)
                if personal, by != nil { services.countClients(set, word: w, column: Int(clientColumn[ci])) }
            }
        }
        services.countReactive()
        guard !personal else { return }
        for (key, set) in services.pairSets {
            services.countClients(set, word: key % words, column: (key / words) % rawCount)
        }
    }
}
