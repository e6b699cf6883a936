import ArgumentParser
import Foundation
import LindynValidation

/// `lindyn demo`: the shipped grids, tables and plots into ./lindyn-out/.
public struct DemoCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The main job on built-in defaults: validate the shipped grids (compiled in) and write tables and plots to ./lindyn-out/.",
        discussion: "The grids are those of Validation/grids/, compiled into the binary, so the demo runs from any directory. Exit 1 when any point fails.")

    @Option(name: .long, help: "Output directory.")
    public var out: String = "lindyn-out"

    @Flag(name: .long, help: "A quick run on reduced grids (first and last value of each axis, two steppers, one tolerance).")
    public var quick = false

    @Flag(name: .long, help: "Keep the points already in the output's journal.")
    public var resume = false

    @Flag(name: .customLong("large-figures"), help: "Generalisation figures from larger data sets (N = 400, 10 per point; slower) instead of N = 100, 5 per point.")
    public var largeFigures = false

    public init() {}

    public func run() throws {
        var grids: [ValidationGrid]
        do {
            grids = try BuiltinGrids.grids()
        } catch {
            printError("a built-in grid is invalid: \(error)")
            throw ExitCode(70)
        }
        if quick { grids = grids.map { $0.reduced() } }
        let directory = try prepareOutputDirectory(out)
        let points = grids.reduce(0) { $0 + $1.pointCount }
        FileHandle.standardError.write(Data("lindyn demo: \(grids.count) grids, \(points) points, on \(ProcessInfo.processInfo.activeProcessorCount) cores, into \(directory.path)/\n".utf8))
        let summary: ValidationSummary
        do {
            summary = try Validation.run(grids, options: ValidationOptions(outputDirectory: directory, resume: resume, provenance: InputLog.shared.provenance()))
        } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
        do {
            let options: GeneralisationFigures.Options = largeFigures ? .large : .demo
            let (data, _) = try GeneralisationFigures.run(options, into: directory, metadata: InputLog.shared.provenance().svgMetadata)
            let readme = directory.appendingPathComponent("README.md")
            try (String(contentsOf: readme, encoding: .utf8) + GeneralisationFigures.readmeSection(data)).write(to: readme, atomically: true, encoding: .utf8)
        } catch {
            printError("the generalisation figures: \(error)")
            throw ExitCode(2)
        }
        var text = summary.text(directory: directory)
        text += """
            Where to look:
              \(out)/README.md                 what every file holds, and the summary by grid
              \(out)/plots/seed-scalar.svg     simulated versus theoretical scalar learning dynamics
              \(out)/plots/seed-network.svg    mode strengths of a linear network
              \(out)/plots/seed-dropout.svg    mode strength with and without dropout
              \(out)/plots/lazy-rich.svg       one task from lambda-balanced starts: rich (sigmoidal) to lazy (exponential)
              \(out)/plots/wrong-sign-stall.svg  a zero-balanced start on the wrong side stalls at a saddle
              \(out)/plots/generalisation-curves.svg  train and test error against epochs, with the optimal stopping time
              \(out)/plots/double-descent.svg  test error against alpha = P/N: the peak at alpha = 1 and early stopping removing it
              \(out)/plots/optimal-stopping.svg  optimal stopping time against the signal-to-noise ratio
              \(out)/errors.md, stiffness.md, work-precision.md (also .csv, .tex, .json)

            """
        emit(text)
        if !summary.passed { throw ExitCode(1) }
    }
}
