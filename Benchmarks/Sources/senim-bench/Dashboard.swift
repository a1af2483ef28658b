import BenchCore
import SenimCore
import SenimStore

/// The TUI side (home screen = first dashboard, new-contact screen), through SenimTUI's
/// public model/update/view API. SenimTUI has not landed yet: these report nothing.
enum Dashboard {
    static func firstFrame(session: Session, configuration: Configuration) throws -> Double? { nil }
    static func frames(session: Session, configuration: Configuration, emit: (String, Double) -> Void) throws {}
}
