import Testing
import SenimCore

/// The guard measured on a corpus of real-looking notes (PrivacyGuardCorpus): every identifying
/// string refused, at most 1 % of harmless ones. The rates are printed so that the figure in
/// docs/decisions.md can be checked against a run.
@Suite struct PrivacyGuardCorpusTests {
    @Test func corpusIsLargeEnoughAndHasNoDuplicates() {
        #expect(PrivacyGuardCorpus.identifying.count >= 300)
        #expect(PrivacyGuardCorpus.harmless.count >= 300)
        #expect(Set(PrivacyGuardCorpus.identifying).count == PrivacyGuardCorpus.identifying.count)
        #expect(Set(PrivacyGuardCorpus.harmless).count == PrivacyGuardCorpus.harmless.count)
        #expect(Set(PrivacyGuardCorpus.identifying).isDisjoint(with: PrivacyGuardCorpus.harmless))
    }

    @Test func refusalAndFalsePositiveRates() {
        let missed = PrivacyGuardCorpus.identifying.filter { PrivacyGuard.check($0) == nil }
        let flagged = PrivacyGuardCorpus.harmless.compactMap { text in PrivacyGuard.check(text).map { (text, $0) } }
        let idCount = PrivacyGuardCorpus.identifying.count, okCount = PrivacyGuardCorpus.harmless.count
        let refusal = Double(idCount - missed.count) / Double(idCount) * 100
        let falsePositive = Double(flagged.count) / Double(okCount) * 100
        print("privacy guard corpus: \(idCount) identifying, \(okCount) harmless; refused "
              + "\(idCount - missed.count)/\(idCount) = \(percent(refusal)) %, false positives "
              + "\(flagged.count)/\(okCount) = \(percent(falsePositive)) %")
        for m in missed { print("  not refused: \(m.debugDescription)") }
        for (text, f) in flagged { print("  refused harmless: \(text.debugDescription) as \(f.kind) \(f.masked)") }
        #expect(missed.isEmpty, "identifying strings let through: \(missed.count)")
        #expect(falsePositive <= 1.0, "false-positive rate \(percent(falsePositive)) %")
    }

    /// No finding's mask may repeat the value: at most four digits of a number are shown.
    @Test func masksNeverShowTheValue() {
        for text in PrivacyGuardCorpus.identifying {
            guard let f = PrivacyGuard.check(text) else { continue }
            let digits = f.masked.filter(\.isNumber)
            #expect(digits.count <= 4, "\(f.masked)")
            #expect(f.masked.contains("•"), "\(f.masked)")
        }
    }

    private func percent(_ x: Double) -> String {
        let scaled = (x * 10).rounded() / 10
        return String(scaled)
    }
}
