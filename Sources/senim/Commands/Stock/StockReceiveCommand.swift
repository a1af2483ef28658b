import ArgumentParser
import Foundation
import SenimCore

struct StockReceiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receive",
        abstract: "Record a delivery (coordinators).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var movement: StockMovementArguments

    @Option(name: .customLong("lot"), help: ArgumentHelp("Lot or batch number.", valueName: "lot"))
    var lot: String?

    @Option(name: .customLong("expires"), help: ArgumentHelp("Expiry date (YYYY-MM-DD).", valueName: "date"))
    var expires: String?

    func validate() throws {
        if let expires, Dates.parseDay(expires) == nil { throw ValidationError("--expires '\(expires)': expected a date YYYY-MM-DD") }
    }

    func run() throws {
        try global.withSession { env, s in
            let e = try s.validator.receive(item: movement.item, quantity: movement.quantity, lot: lot,
                                            expires: expires.flatMap(Dates.parseDay),
                                            ctx: s.context(site: movement.point, at: try movement.when()))
            try s.save([e])
            if let x = expires.flatMap(Dates.parseDay) {
                let today = Dates.today()
                switch Validator.lotExpiry(x, today: today) {
                case .expired: Out.error(env.t("cli.stock.lotExpired", Dates.dayText(x)))
                case .expiresSoon: Out.error(env.t("cli.stock.lotExpiring", Dates.dayText(x), String(x - today)))
                case nil: break
                }
            }
            Out.line(s.newID(e.id))
        }
    }
}
