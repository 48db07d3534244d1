import Foundation

@main
struct SettleMain {
    static func main() async {
        let code = await Settle(console: Console(echo: true)).run(Array(CommandLine.arguments.dropFirst()))
        exit(code)
    }
}
