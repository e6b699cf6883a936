import Foundation
import LindynIntegrator
import LindynTheory
import Testing

@testable import LindynModels

/// Every public builder and initialiser that used to trap on bad input (an index out of range, a
/// failed precondition) throws an `ArgumentError` naming the argument instead, and the builders'
/// defaults are the problem file's.
@Suite struct BuilderValidationTests {
    static func argument(_ body: () throws(ArgumentError) -> some Any) -> String? {
        do {
            _ = try body()
            return nil
        } catch {
            #expect(!error.message.isEmpty)
            return error.argument
        }
    }

    @Test func saxeRefusesBadArgumentsByName() {
        func saxe(
            widths: [Int] = [3, 4, 2], singularValues: [Double] = [2, 1], inputEigenvalues: [Double]? = nil,
            initialization: NetworkInit? = nil, weightDecay: Double = 0, dropout: DropoutSettings? = nil,
            noiseVariance: Double = 0, samples: Double = 1, tau: Double = 1
        ) -> String? {
            Self.argument { () throws(ArgumentError) in
                try NetworkModel.saxe(
                    widths: widths, singularValues: singularValues, inputEigenvalues: inputEigenvalues, initialization: initialization,
                    weightDecay: weightDecay, dropout: dropout, noiseVariance: noiseVariance, samples: samples, tau: tau)
            }
        }
        #expect(saxe() == nil)
        // Each of these trapped before (empty widths: `first!`; a zero or negative width: a
        // negative range; more singular values than min(n0, nD): an index out of range).
        #expect(saxe(widths: []) == "widths")
        #expect(saxe(widths: [3]) == "widths")
        #expect(saxe(widths: [3, 0, 2]) == "widths")
        #expect(saxe(widths: [3, -4, 2]) == "widths")
        #expect(saxe(widths: [5000, 2]) == "widths")
        #expect(saxe(widths: [2000, 2000]) == "widths")  // 4,000,000 weights
        #expect(saxe(singularValues: []) == "singularValues")
        #expect(saxe(singularValues: [3, 2, 1]) == "singularValues")
        #expect(saxe(singularValues: [1, -1]) == "singularValues")
        #expect(saxe(singularValues: [.nan]) == "singularValues")
        #expect(saxe(inputEigenvalues: [1, 1]) == "inputEigenvalues")
        #expect(saxe(inputEigenvalues: [1, 0, 1]) == "inputEigenvalues")
        #expect(saxe(initialization: NetworkInit(kind: .random, scale: 0)) == "initialization.scale")
        #expect(saxe(initialization: NetworkInit(kind: .explicit, scale: 0)) == "initialization.weights")
        #expect(saxe(initialization: NetworkInit(kind: .explicit, scale: 0, weights: [1, 2])) == "initialization.weights")
        #expect(saxe(widths: [3, 4, 4, 2], initialization: NetworkInit(kind: .zeroBalanced, scale: 0.1)) == "initialization.kind")
        #expect(saxe(initialization: NetworkInit(kind: .lambdaBalanced, scale: 0.1, lambda: 1)) == "widths")  // n1 = 4 > n2 = 2
        #expect(saxe(weightDecay: -1) == "weightDecay")
        #expect(saxe(dropout: DropoutSettings(keep: 0)) == "dropout.keep")
        #expect(saxe(dropout: DropoutSettings(keep: 0.5, units: 2)) == "dropout.units")
        #expect(saxe(widths: [3, 3, 3, 2], dropout: DropoutSettings(keep: 0.5)) == "dropout")
        #expect(saxe(noiseVariance: -0.1) == "noiseVariance")
        #expect(saxe(samples: 0.5) == "samples")
        #expect(saxe(tau: 0) == "tau")
        #expect(saxe(tau: .infinity) == "tau")
    }

    @Test func autoencoderRefusesBadArgumentsByName() {
        func ae(eigenvalues: [Double] = [2, 1, 0.5], hidden: Int = 2, samples: Double = 1, initialization: NetworkInit? = nil, tau: Double = 1) -> String? {
            Self.argument { () throws(ArgumentError) in
                try NetworkModel.autoencoder(eigenvalues: eigenvalues, hidden: hidden, samples: samples, initialization: initialization, tau: tau)
            }
        }
        #expect(ae() == nil)
        #expect(ae(eigenvalues: []) == "eigenvalues")
        #expect(ae(eigenvalues: [1, -1]) == "eigenvalues")
        #expect(ae(hidden: 0) == "hidden")
        #expect(ae(hidden: 4) == "hidden")
        #expect(ae(samples: 0) == "samples")
        #expect(ae(initialization: NetworkInit(kind: .zeroBalanced, scale: 0.1)) == "initialization.kind")
        #expect(ae(tau: -1) == "tau")
    }

    @Test func networkTaskAndInitialisersRefuseMismatchedShapes() throws {
        #expect(Self.argument { () throws(ArgumentError) in try NetworkTask(inputs: 3, outputs: 2, sigmaYX: [1, 2, 3]) } == "sigmaYX")
        #expect(Self.argument { () throws(ArgumentError) in try NetworkTask(inputs: 0, outputs: 2, sigmaYX: []) } == "inputs")
        #expect(Self.argument { () throws(ArgumentError) in try NetworkTask(inputs: 2, outputs: 1, sigmaYX: [1, 2], sigmaXX: [1]) } == "sigmaXX")
        let task = try NetworkTask(inputs: 2, outputs: 1, sigmaYX: [1, 2])
        let mode = NetworkMode(s: 1, output: [1], input: [1, 0], initialStrength: nil)
        func network(widths: [Int] = [2, 2, 1], modes: [NetworkMode]? = nil, weights: [Double] = [Double](repeating: 0.1, count: 6)) -> String? {
            Self.argument { () throws(ArgumentError) in
                try NetworkModel(widths: widths, task: task, modes: modes ?? [mode], initialWeights: weights)
            }
        }
        #expect(network() == nil)
        #expect(network(widths: [3, 2, 1]) == "task")  // trapped in a precondition before
        #expect(network(weights: [0.1]) == "initialWeights")
        #expect(network(modes: [NetworkMode(s: 1, output: [1, 0], input: [1, 0], initialStrength: nil)]) == "modes")
        #expect(Self.argument { () throws(ArgumentError) in
            try NetworkModel.correlated(widths: [3, 2, 1], task: task)
        } == "task")
        #expect(Self.argument { () throws(ArgumentError) in try ChainModel(s: 1, initialWeights: []) } == "initialWeights")
        #expect(Self.argument { () throws(ArgumentError) in try ChainModel(s: 1, initialWeights: [0.1], tau: 0) } == "tau")
        #expect(Self.argument { () throws(ArgumentError) in try SingleNeuronModel(target: [1, 2], w: [1], a: 1, rateW: 1, rateA: 1) } == "target")
        #expect(Self.argument { () throws(ArgumentError) in try EndToEndModel(depth: 2, task: task, initial: [1]) } == "initial")
        #expect(Self.argument { () throws(ArgumentError) in try EndToEndModel(depth: 0, task: task, initial: [1, 1]) } == "depth")
        #expect(randomOrthogonal(-3, seed: 1).isEmpty)  // trapped on a negative range before
    }

    /// The builders' defaults are the problem file's: a network and an autoencoder given only
    /// their required fields build the same model either way (same task, same starting weights,
    /// same tau).
    @Test func builderDefaultsMatchTheProblemFile() throws {
        let network = try Problem.load(text: #"{"model": {"kind": "network", "widths": [3, 4, 2], "singular_values": [2, 1]}, "time": {"end": 1}}"#)
        let built = try NetworkModel.saxe(widths: [3, 4, 2], singularValues: [2, 1])
        let read = try #require(network.dynamics as? NetworkModel)
        #expect(read.initialWeights == built.initialWeights)
        #expect(read.sigmaYX == built.sigmaYX && read.sigmaXX == built.sigmaXX)
        #expect(read.tauValue == built.tauValue && read.weightDecay == built.weightDecay && read.samples == built.samples)
        #expect(read.modes == built.modes)

        let autoencoder = try Problem.load(text: #"{"model": {"kind": "autoencoder", "eigenvalues": [2, 1, 0.5], "hidden": 2}, "time": {"end": 1}}"#)
        let builtAE = try NetworkModel.autoencoder(eigenvalues: [2, 1, 0.5], hidden: 2)
        let readAE = try #require(autoencoder.dynamics as? NetworkModel)
        #expect(readAE.initialWeights == builtAE.initialWeights)
        #expect(readAE.sigmaYX == builtAE.sigmaYX && readAE.sigmaXX == builtAE.sigmaXX)
        #expect(readAE.tauValue == builtAE.tauValue)
    }

    /// A builder refusal that reaches the problem-file reader names the model field it came from.
    @Test func builderRefusalsNameTheModelField() {
        #expect(ProblemFileError(model: ArgumentError(argument: "singularValues", message: "m")).field == "model.singular_values")
        #expect(ProblemFileError(model: ArgumentError(argument: "initialization.scale", message: "m")).field == "model.init.scale")
        #expect(ProblemFileError(model: ArgumentError(argument: "widths", message: "m")).field == "model.widths")
    }
}

@Suite struct DataBuilderValidationTests {
    /// Sizes that would allocate without bound (or trap on a negative range) are refused by name.
    @Test func regressionAndTeacherDataRefuseBadSizes() throws {
        let task = try RegressionTask(teacherVariance: 1, noiseVariance: 0.1)
        #expect(BuilderValidationTests.argument { () throws(ArgumentError) in try RegressionModel(inputs: 0, samples: 10, task: task) } == "inputs")
        #expect(BuilderValidationTests.argument { () throws(ArgumentError) in try RegressionModel(inputs: 10, samples: -1, task: task) } == "samples")
        #expect(BuilderValidationTests.argument { () throws(ArgumentError) in try RegressionModel(inputs: 2000, samples: 10_000, task: task) } == "samples")
        #expect(BuilderValidationTests.argument { () throws(ArgumentError) in try RegressionModel(inputs: 4, samples: 8, task: task, tau: 0) } == "tau")
        func data(inputs: Int = 4, outputs: Int = 3, samples: Int = 4, kind: TeacherData.Inputs = .orthonormal, teacher: [Double] = [2, 1], noise: Double = 0.1) -> String? {
            BuilderValidationTests.argument { () throws(ArgumentError) in
                try TeacherData(inputs: inputs, outputs: outputs, samples: samples, inputKind: kind, teacher: teacher, labelNoise: noise)
            }
        }
        #expect(data() == nil)
        #expect(data(inputs: 0) == "inputs")
        #expect(data(outputs: -2) == "outputs")
        #expect(data(samples: 5) == "samples")
        #expect(data(samples: 0, kind: .gaussian) == "samples")
        #expect(data(teacher: [3, 2, 1, 1]) == "teacher")
        #expect(data(teacher: [1, -1]) == "teacher")
        #expect(data(noise: -1) == "labelNoise")
    }
}

@Suite struct DocumentedExampleTests {
    /// The example in the LindynModels catalog: a network built in Swift integrates, and a run
    /// that runs out of steps reports the enum, whose raw value is the output file's word.
    @Test func catalogExampleRunsAndReportsAnEnumStatus() throws {
        let network = try NetworkModel.saxe(widths: [3, 4, 2], singularValues: [2, 1])
        var problem = Problem(dynamics: network, time: TimeSpec(end: 10, points: 101))
        let run = try Simulation.integrate(problem)
        #expect(run.succeeded && run.status == .success && run.rows.count == 101)
        problem.solver.maxSteps = 3
        let short = try Simulation.integrate(problem)
        #expect(short.status == .maxSteps && short.status.rawValue == "max_steps")
        #expect(!short.succeeded && short.rows.count < 101)
    }
}
