import LindynCLI
LindynCommand.main()
