import LindynCLI
StandardStreams.prepare()
if !FastPath.handle(CommandLine.arguments) {
    LindynCommand.main()
}
