import SenimCore

/// The UIC builder: asks the formula's questions and keeps only the resulting code.
public struct Builder: Hashable, Sendable {
    public var answers: [TextField]
    public var focus = 0
    public var error: Message?
    public init(questions: Int) { answers = Array(repeating: TextField(maxLength: 40), count: questions) }
}
