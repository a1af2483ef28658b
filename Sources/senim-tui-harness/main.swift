// Test harness: runs the TUI over synthetic in-memory data (nothing is written to disk), for
// scripts/e2e-tui. Users: aigerim (worker), bolat (coordinator), dana (psychologist);
// passphrase "<name>-pass". A real encrypted store is opened by `senim tui` (the composition
// root), not here.
//
//   senim-tui-harness [--user NAME] [--lang en|ru|kk] [--config DIR]
import Foundation
import SenimCore
import SenimStore
import SenimTestSupport
import SenimTUI

var user: String?
var lang: Language?
var configDir: String?
var crashOnUnlock = false
var args = CommandLine.arguments.dropFirst()
while let a = args.popFirst() {
    switch a {
    case "--user": user = args.popFirst()
    case "--lang": lang = args.popFirst().flatMap(Language.init(rawValue:))
    case "--config": configDir = args.popFirst()
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
let clock: () -> Timestamp = { Timestamp(Date().timeIntervalSince1970) }
let store = SampleData.store(configuration: configuration, now: clock(), utcOffset: TimeZone.current.secondsFromGMT(), clock: clock)
exit(TUIApp.run(configuration: configuration, language: language, initialUser: user) { u, p in
    if crashOnUnlock { fatalError("deliberate crash (--crash-on-unlock)") }
    return try store.open(user: u, passphrase: p)
})
