/// Checks every free-text field before it can become part of an event. Senim refuses to
/// store anything that identifies a person — an IIN, a phone number, an e-mail address, a
/// messenger handle or profile link, a name with a patronymic — and any control or invisible
/// character. One entry point for every caller: `require` (or `check` to show the reason live).
///
/// Matching runs on a folded copy of the text (`FoldedText`: NFKC, no invisible characters,
/// digits of every script, any separators between digits) so that spacing and Unicode tricks
/// do not help; the message shows what was found, masked, never the value itself.
/// What it refuses and why, with the false-positive trade-offs: docs/decisions.md, "Privacy guard".
public enum PrivacyGuard {
    public enum Kind: String, Sendable, CaseIterable, Hashable {
        case iin, phone, email, handle, link, name
        /// A control, format or invisible character (C0, C1, ESC, bidi override, zero-width…).
        case control
    }

    public struct Finding: Hashable, Sendable {
        public var kind: Kind
        /// Never the value: `85••••••••24`, `a•••@•••`, `И•••вич`, `U+202E`.
        public var masked: String

        public init(kind: Kind, masked: String) {
            self.kind = kind
            self.masked = masked
        }

        /// `privacy.<kind>` with the masked value: what was found and why it cannot be stored.
        public var message: Message { Message("privacy." + kind.rawValue, masked) }

        /// A short English description for logs and sync errors: "IIN 85••••••••24".
        public var summary: String {
            switch kind {
            case .iin: "IIN \(masked)"
            case .phone: "phone \(masked)"
            case .email: "e-mail \(masked)"
            case .handle: "handle \(masked)"
            case .link: "profile link \(masked)"
            case .name: "name with patronymic \(masked)"
            case .control: "control character \(masked)"
            }
        }
    }

    /// The first identifier (or control character) found in `text`, if any.
    public static func check(_ text: String) -> Finding? {
        identifier(in: text) ?? ControlCharacters.first(in: text).map {
            Finding(kind: .control, masked: ControlCharacters.name($0))
        }
    }

    /// Throws the finding's message (`privacy.*` keys) so callers can refuse with a reason.
    /// Every free-text path calls this (the Validator's notes, lots and reasons, user names,
    /// sync import).
    public static func require(_ text: String?) throws(Message) {
        if let text, let f = check(text) { throw f.message }
    }

    /// Whether a character is one no text field may hold (C0, DEL, C1, format characters such as
    /// bidi overrides and zero-width ones, line and paragraph separators): the one definition,
    /// for output escaping as well.
    public static func isControlOrInvisible(_ scalar: Unicode.Scalar) -> Bool {
        ControlCharacters.isRefused(scalar)
    }

    /// What a message may repeat of a value the user typed (an unknown id, code or period):
    /// the value itself, or only its mask when it holds an identifier.
    public static func echo(_ value: String) -> String {
        identifier(in: value)?.masked ?? value
    }

    /// The form in which two user names are compared: NFKC, without invisible characters or
    /// stray combining marks, lower-cased — so "aigul" and "ai‍gul" (a zero-width joiner) or
    /// "ａｉｇｕｌ" are the same name.
    public static func nameKey(_ name: String) -> String {
        String(String.UnicodeScalarView(FoldedText(name).scalars)).lowercased()
    }

    static func identifier(in text: String) -> Finding? {
        let folded = FoldedText(text)
        let digits = DigitScanner(folded)
        if let w = digits.phone(typedAlone: true) { return Finding(kind: .phone, masked: mask(w)) }
        if let w = digits.iin() { return Finding(kind: .iin, masked: mask(w)) }
        let addresses = AddressScanner.mayContainAddress(folded) ? AddressScanner(folded) : nil
        if let local = addresses?.email() { return Finding(kind: .email, masked: String(local.prefix(1)) + "•••@•••") }
        if let w = digits.phone() { return Finding(kind: .phone, masked: mask(w)) }
        if let host = addresses?.link() { return Finding(kind: .link, masked: host + "•••") }
        if let h = addresses?.handle() { return Finding(kind: .handle, masked: String(h.prefix(2)) + "•••") }
        if let n = NameScanner(folded).patronymic() { return Finding(kind: .name, masked: n) }
        return nil
    }

    static func mask(_ digits: [Int]) -> String {
        guard digits.count > 4 else { return String(repeating: "•", count: digits.count) }
        let head = digits.prefix(2).map(String.init).joined()
        let tail = digits.suffix(2).map(String.init).joined()
        return head + String(repeating: "•", count: digits.count - 4) + tail
    }
}
