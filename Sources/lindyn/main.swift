import LindynCLI
StandardStreams.prepare()
LindynCommand.main()
