import ArgumentParser
import Foundation
import SenimCore

struct StockCountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "count",
        abstract: "Record a stocktake: the quantity counted (coordinators). The difference becomes an adjustment.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var movement: StockMovementArguments

    func run() throws {
        try global.withSession { env, s in
            let site = movement.point ?? s.point
            let before = s.ledger.level(site: site, item: movement.item)?.level ?? 0
            let e = try s.validator.count(item: movement.item, counted: movement.quantity, ctx: s.context(site: movement.point, at: try movement.when()))
            try s.save([e])
            Out.line(s.newID(e.id))
            let delta = Int64(movement.quantity) - before
            Out.error(env.t("cli.stock.adjusted", (delta > 0 ? "+" : "") + String(delta)))
        }
    }
}
