// Test harness: runs the TUI over synthetic in-memory data (nothing is written to disk).
// Used by scripts/e2e-tui until `senim demo` exists. Users: aigerim (worker),
// bolat (coordinator), dana (psychologist); passphrase "<name>-pass".
//
//   senim-tui-harness [--user NAME] [--lang en|ru|kk] [--config DIR] [--store DIR]
//
// With --store, it opens a real encrypted store (e.g. one made by `senim demo --no-tui`)
// through SessionBackend instead of the in-memory sample data. --create-store DIR makes such a
// store from the sample data (cheapest scrypt parameters; users and passphrases as above) and exits.
import Foundation
import SenimCore
import SenimStore
import SenimTUI

var user: String?
var lang: Language?
var configDir: String?
var storeDir: String?
var createDir: String?
var crashOnUnlock = false
var args = CommandLine.arguments.dropFirst()
while let a = args.popFirst() {
    switch a {
    case "--user": user = args.popFirst()
    case "--lang": lang = args.popFirst().flatMap(Language.init(rawValue:))
    case "--config": configDir = args.popFirst()
    case "--store": storeDir = args.popFirst()
    case "--create-store": createDir = args.popFirst()
    // Test of the crash path: the unlock callback traps while curses is active.
    case "--crash-on-unlock": crashOnUnlock = true
    default:
        FileHandle.standardError.write(Data("unknown argument \(a)\n".utf8))
        exit(2)
    }
}
let configuration: Configuration
do { configuration = try ConfigFiles.loadDefault(explicit: configDir) } catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(2)
}
let env = ProcessInfo.processInfo.environment
let language = lang ?? Language.fromLocale(env["LC_ALL"].flatMap { $0.isEmpty ? nil : $0 } ?? env["LC_MESSAGES"] ?? env["LANG"])
if let createDir {
    do {
        let url = URL(fileURLWithPath: createDir)
        let now = Timestamp(Date().timeIntervalSince1970)
        let sample = SampleData.make(configuration: configuration, now: now, utcOffset: TimeZone.current.secondsFromGMT())
        let coordinator = sample.accounts.first { $0.key.role == .coordinator }!
        let s = try Session.create(at: url, user: coordinator.key.name, passphrase: coordinator.value, point: SampleData.mainPoint,
                                   configuration: configuration, kdf: .testing)
        for (u, p) in sample.accounts where u.name != coordinator.key.name {
            try s.addUser(name: u.name, role: u.role, passphrase: p, kdf: .testing)
        }
        // Sample notes are in-memory tokens, not sealed: leave them out of a real store.
        _ = try s.importEvents(sample.events.filter {
            if case .referralNoteAdded = $0.body { return false }
            if case .userAdded = $0.body { return false }
            return true
        })
        s.close()
        print("created \(url.path)")
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("\(Message.from(error).text(configuration.strings, .en))\n".utf8))
        exit(1)
    }
}
if let storeDir {
    exit(TUIApp.run(storeDirectory: URL(fileURLWithPath: storeDir), configuration: configuration, language: language,
                    initialUser: user))
}
let clock: () -> Timestamp = { Timestamp(Date().timeIntervalSince1970) }
let store = SampleData.store(configuration: configuration, now: clock(), utcOffset: TimeZone.current.secondsFromGMT(), clock: clock)
exit(TUIApp.run(configuration: configuration, language: language, initialUser: user) { u, p in
    if crashOnUnlock { fatalError("deliberate crash (--crash-on-unlock)") }
    return try store.open(user: u, passphrase: p)
})
