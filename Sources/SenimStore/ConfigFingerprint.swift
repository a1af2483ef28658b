import Crypto
import Foundation
import SenimCore

/// What a store remembers of the configuration it was made with (a store-local value, so it
/// is encrypted like everything else): a SHA-256 over what gives stored data its meaning.
///
/// - `catalogue`: item ids with their category and needle/syringe flag, pack contents, service,
///   contact-type and overdose-outcome ids (with the reversal flag), trust-point ids. Names in
///   any language, low-stock thresholds and limits are left out: changing them is harmless.
/// - `uic`: the client-code formula (questions, parts, sex digits, padding). When it changes,
///   the same person gets a different code, so returning clients look new.
public struct ConfigFingerprint: Sendable, Equatable, CustomStringConvertible {
    /// The store-local key it is kept under.
    public static let key = "senim.config"

    public var catalogue: String
    public var uic: String

    public init(catalogue: String, uic: String) {
        self.catalogue = catalogue
        self.uic = uic
    }

    public init(_ configuration: Configuration) {
        let c = configuration.catalogue
        var cat: [String] = []
        for i in c.items.sorted(by: { $0.id < $1.id }) { cat.append("item \(i.id) \(i.category.rawValue) \(i.isNeedleOrSyringe)") }
        for p in c.packs.sorted(by: { $0.id < $1.id }) {
            cat.append("pack \(p.id) " + p.items.keys.sorted().map { "\($0)=\(p.items[$0]!)" }.joined(separator: ","))
        }
        for s in c.services.map(\.id).sorted() { cat.append("service \(s)") }
        for t in c.contactTypes.map(\.id).sorted() { cat.append("contact-type \(t)") }
        for o in c.overdoseOutcomes.sorted(by: { $0.id < $1.id }) { cat.append("outcome \(o.id) \(o.isReversal)") }
        for p in configuration.points.points.map(\.id).sorted() { cat.append("point \(p)") }
        let f = configuration.uic
        var uic: [String] = []
        for q in f.questions { uic.append("question \(q.id) \(q.kind.rawValue)") }
        for p in f.parts { uic.append("part \(p.question) \(p.take.map(String.init) ?? "-")") }
        for k in f.sexDigits.keys.sorted() { uic.append("sex \(k)=\(f.sexDigits[k]!)") }
        uic.append("padding \(f.padding)")
        self.init(catalogue: Self.hash(cat), uic: Self.hash(uic))
    }

    static func hash(_ lines: [String]) -> String {
        let digest = SHA256.hash(data: Data(lines.joined(separator: "\n").utf8))
        return digest.prefix(12).map { String(format: "%02x", $0) }.joined()
    }

    /// Stored form: `v1 catalogue=HEX uic=HEX`.
    public var stored: [UInt8] { Array(description.utf8) }
    public var description: String { "v1 catalogue=\(catalogue) uic=\(uic)" }

    /// Reads the stored form; nil for anything else (a newer format, damage).
    public init?(stored: [UInt8]) {
        guard stored.count <= 200, let text = String(validating: stored, as: UTF8.self) else { return nil }
        let parts = text.split(separator: " ")
        guard parts.count == 3, parts[0] == "v1", parts[1].hasPrefix("catalogue="), parts[2].hasPrefix("uic=") else { return nil }
        let cat = String(parts[1].dropFirst("catalogue=".count)), uic = String(parts[2].dropFirst("uic=".count))
        guard !cat.isEmpty, !uic.isEmpty, (cat + uic).allSatisfy(\.isHexDigit) else { return nil }
        self.init(catalogue: cat, uic: uic)
    }
}

extension Session {
    /// The fingerprint recorded when this store was created (nil for stores made before
    /// Senim recorded one).
    public var recordedFingerprint: ConfigFingerprint? {
        localValue(ConfigFingerprint.key).flatMap { ConfigFingerprint(stored: $0) }
    }

    /// What to tell the user about the configuration in use versus this store's data: the
    /// client-code formula changed, or ids the data uses are no longer configured.
    public var configurationWarnings: [Message] {
        var out: [Message] = []
        if let recorded = recordedFingerprint, recorded.uic != ConfigFingerprint(configuration).uic {
            out.append(Message("config.changed.uic"))
        }
        out += ConfigurationCoverage(ledger: ledger, configuration: configuration).messages
        return out
    }
}
