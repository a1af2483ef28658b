/// The three kinds of user. Stored inside the encrypted keyslot, never in plaintext.
public enum Role: String, CaseIterable, Sendable, Codable, Hashable {
    case worker
    case psychologist
    case coordinator
}
