import Foundation
import PackagePlugin

/// Records the git commit of the checkout in a generated Swift file before every build, so that
/// `lindyn version` names the source it was built from whether it was built with `swift build`,
/// `make` or from a tarball (see `Scripts/build-info.sh` for the fallbacks).
@main
struct BuildInfoPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "generated")
        let script = context.package.directoryURL.appending(path: "Scripts/build-info.sh")
        return [
            .prebuildCommand(
                displayName: "Recording the source commit",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [script.path, context.package.directoryURL.path, output.path],
                outputFilesDirectory: output),
        ]
    }
}
