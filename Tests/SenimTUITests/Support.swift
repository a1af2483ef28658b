import Foundation
import SenimCore
import SenimTestSupport
@testable import SenimTUI

/// The repository's real Config/ and a fixed clock: 2026-05-20 14:30 in Kazakhstan (UTC+5).
enum Fixture {
    static let configDirectory: URL = RepositoryConfig.directory

    static let configuration: Configuration = RepositoryConfig.configuration

    static let utcOffset = 5 * 3600
    static let now: Timestamp = Clock.start(of: Clock.dayNumber(year: 2026, month: 5, day: 20), utcOffset) + 14 * 3600 + 30 * 60

    static func store() -> InMemoryStore {
        SampleData.store(configuration: configuration, now: now, utcOffset: utcOffset, clock: { now })
    }
}

/// Drives the pure update loop with real effects against an in-memory store, like the app
/// does, without a terminal.
struct Driver {
    var model: Model
    let runner: EffectRunner
    let store: InMemoryStore
    /// Every effect performed, in order.
    var effects: [Effect] = []
    var exported: [(String, String)] = []

    init(language: Language = .en, user: String? = "aigerim", width: Int = 80, height: Int = 24, store: InMemoryStore = Fixture.store()) {
        self.store = store
        model = Model(config: Fixture.configuration, language: language, initialUser: user, now: Fixture.now,
                      utcOffset: Fixture.utcOffset, width: width, height: height)
        let box = ExportBox()
        runner = EffectRunner(configuration: Fixture.configuration, unlock: { u, p in try store.open(user: u, passphrase: p) },
                              clock: { store.clock() },
                              writeFile: { name, content in box.files.append((name, content)); return "/tmp/" + name })
        exportBox = box
    }

    private let exportBox: ExportBox
    var exports: [(String, String)] { exportBox.files }

    /// Unlocks as `user` with the sample passphrase.
    mutating func login(_ user: String = "aigerim") {
        model.unlock.user.text = user
        model.unlock.focus = 1
        press(Key.typing("\(user)-pass") + [.enter])
    }

    mutating func send(_ msg: Msg) {
        var performed: [Effect] = []
        runner.dispatch(&model, msg) { e, _ in performed.append(e) }
        effects += performed
    }

    mutating func press(_ keys: [Key]) {
        for k in keys { send(.key(k)) }
    }

    mutating func press(_ k: Key) { press([k]) }
    mutating func type(_ s: String) { press(Key.typing(s)) }

    var screen: String { View.render(model).text }
    var canvas: Canvas { View.render(model) }
    var ledger: LedgerState { model.session!.ledger }
}

final class ExportBox: @unchecked Sendable {
    var files: [(String, String)] = []
}
