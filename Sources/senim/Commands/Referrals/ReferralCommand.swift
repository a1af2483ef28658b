import ArgumentParser

struct ReferralCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "referral",
        abstract: "Referrals to services: issue, follow up, list; confidential notes (peer psychologists).",
        subcommands: [ReferralAddCommand.self, ReferralUpdateCommand.self, ReferralListCommand.self,
                      ReferralNoteCommand.self, ReferralShowCommand.self])
}
