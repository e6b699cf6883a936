import Foundation
import LindynIntegrator
import LindynModels
import LindynReport
import Testing
@testable import LindynValidation

/// The validation module's compound entry points throw `ValidationRunError`, keeping the failed
/// layer's error whole (and its description, which the command line prints); the leaf ones throw
/// that layer's own type. Each `let typed: ... = error` binding only compiles while the call
/// declares that type.
@Suite struct ValidationTypedErrorTests {
    static let gridText = """
        {"name": "tiny", "model": {"kind": "mode", "s": 2, "u0": 0.01, "tau": 100}, "time": {"end": 40, "points": 5},
         "grid": {"model.s": [1]}, "steppers": ["rk8pd"], "tolerances": [1e-8]}
        """

    @Test func anOutputDirectoryThatIsAFileIsAFileError() throws {
        let g = try grid(Self.gridText)
        let file = temporaryDirectory("typed-errors").appendingPathComponent("not-a-directory")
        try Data("x".utf8).write(to: file)
        do {
            _ = try Validation.run([g], options: ValidationOptions(outputDirectory: file, plots: false, progress: false, workers: 1))
            Issue.record("a run into a regular file was accepted")
        } catch {
            let typed: ValidationRunError = error
            guard case .file(let report) = typed else { Issue.record("expected a file error, got \(typed)"); return }
            guard case .fileOperation(let path, _, _) = report else { Issue.record("\(report)"); return }
            #expect(path.hasSuffix("not-a-directory"))
            #expect("\(typed)" == "\(report)")
        }
    }

    @Test func aJacobianAtAStateOfTheWrongSizeNamesTheArgumentInsteadOfTrapping() throws {
        let model = try ModeModel(s: 1, u0: 0.1)
        do {
            _ = try StiffnessAnalysis.jacobian(of: model, at: [1, 2, 3], t: 0)
            Issue.record("a state of 3 values for a 1-variable model was accepted")
        } catch {
            let typed: ValidationRunError = error
            guard case .input(let refused) = typed else { Issue.record("expected an input error, got \(typed)"); return }
            #expect(refused.argument == "state")
        }
        var broken = model
        broken.depth = 0
        do {
            _ = try StiffnessAnalysis.eigenvalues(of: broken, at: [0.1], t: 0)
            Issue.record("a model of depth 0 made a flow")
        } catch {
            guard case .input(let refused) = error else { Issue.record("expected an input error, got \(error)"); return }
            #expect(refused.argument == "depth")
        }
    }

    @Test func aSingularSummaryIsALinearAlgebraFailure() {
        do {
            _ = try StiffnessAnalysis.summarize([1, 2, 3], n: 2, t: 0, gradientFlow: false)
            Issue.record("a 3-entry matrix was summarised as 2 x 2")
        } catch {
            let typed: LinearAlgebra.Failure = error
            #expect(!typed.message.isEmpty)
        }
    }

    @Test func aBadSignalToNoiseRatioNamesTheArgument() {
        do {
            _ = try GeneralisationFigures.dataSet(inputs: 10, alpha: 1, snr: -1, seed: 1)
            Issue.record("a negative SNR was accepted")
        } catch {
            let typed: ArgumentError = error
            #expect(typed.argument == "snr")
        }
    }
}
