import ArgumentParser
import Foundation
import SenimCore

struct StockConfirmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirm",
        abstract: "Confirm that a transfer arrived at this point.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The transfer id (or its first 8 hex digits), from `senim stock`.", valueName: "transfer-id"))
    var transfer: String

    @Option(name: .customLong("point"), help: ArgumentHelp("The receiving point (default: the transfer's destination).", valueName: "id"))
    var point: String?

    func run() throws {
        try global.withSession { env, s in
            let l = s.ledger
            let id = try Render.resolve(transfer, among: l.transfers.keys, kind: env.t("cli.kind.transfer"))
            let t = l.transfers[id]!
            let destination = l.sites[t.to]
            if let point, point != destination {
                throw CLIFailure.refused("cli.transfer.otherPoint", s.shortID(id), destination, point)
            }
            guard t.inTransit else {
                throw CLIFailure.refused("cli.transfer.received", s.shortID(id), Dates.local(t.receivedAt ?? t.at))
            }
            let e = try s.validator.confirmTransfer(t, ledger: l, ctx: s.context(site: destination, at: nil))
            try s.save([e])
            Out.line(env.t("cli.transfer.confirmed", s.shortID(id), String(t.quantity), l.items[t.item], l.sites[t.from], destination))
        }
    }
}
