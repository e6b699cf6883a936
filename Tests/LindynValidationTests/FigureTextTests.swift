import Foundation
import LindynModels
import LindynReport
import Testing
@testable import LindynValidation

/// Titles, labels and marker positions of the validation figures.
@Suite struct FigureTextTests {
    @Test func gridParametersReadAsATitle() {
        #expect(readableParameters([("system.parameters.k2", "300000")]) == "k2 = 3e+05")
        #expect(readableParameters([("model.w1,model.w2", "0.01"), ("model.s", "2")]) == "w1 = w2 = 0.01, s = 2")
        #expect(readableParameters([("solver.stepper", "\"rk4\"")]) == "stepper = rk4")
    }

    /// Output times crowded at the start (a geometric grid): the markers are still evenly spaced
    /// in t, not in index.
    @Test func descentMarkersAreEvenlySpacedInTime() {
        let times = (0...400).map { pow(1.02, Double($0)) - 1 }
        let picked = ValidationPlots.evenlyTimed(times, limit: 20)
        let spacing = (times.last! - times.first!) / 19
        let gaps = zip(picked.dropFirst(), picked).map { times[$0] - times[$1] }
        // Each gap is within one output spacing (the grid's largest, 2% of t) of the ideal.
        let largestStep = times.last! - times[times.count - 2]
        #expect(gaps.allSatisfy { abs($0 - spacing) <= largestStep + 1e-9 }, "\(gaps)")
        #expect(picked.first == 0 && picked.last == times.count - 1)
        // A log axis spaces them evenly in log t.
        let logTimes = (0...300).map { 1e-5 * pow(10, Double($0) / 50) }
        let logPicked = ValidationPlots.evenlyTimed(logTimes, limit: 7, logarithmic: true)
        #expect(logPicked == [0, 50, 100, 150, 200, 250, 300])
    }

    /// keep = 1 draws no masks: no "Monte-Carlo runs" label and no test-time curve; standard
    /// dropout with p < 1 gets both, inverted dropout only the label.
    @Test(arguments: [(1.0, false, "GD", nil), (0.5, false, "GD, 100 Monte-Carlo runs", 0.5), (0.5, true, "GD, 100 Monte-Carlo runs", nil)])
    func dropoutLabels(keep: Double, inverted: Bool, label: String, scale: Double?) throws {
        let text = #"{"model": {"kind": "mode", "s": 3, "u0": 0.001, "tau": 100, "dropout": {"keep": \#(keep), "inverted": \#(inverted)}}, "time": {"end": 10}, "descent": {"runs": 100, "monte_carlo": true}}"#
        let problem = try Problem.load(text: text)
        #expect(TrajectorySet.descentLabel(problem) == label)
        #expect(TrajectorySet.dropoutKeep(problem.dynamics) == scale)
    }
}

/// A quick run keeps the plotted points that survive the reduction, with their panel titles, and
/// drops the figure title when a panel is lost, so the title never describes a missing panel.
@Test func reducedGridKeepsSurvivingPanelsAndAMatchingTitle() throws {
    let text = #"""
        {"name": "r", "model": {"kind": "mode", "s": 2, "u0": 0.01, "tau": 100}, "time": {"end": 10},
         "grid": {"model.s": [1, 2, 3], "model.u0": [0.01, 0.001]},
         "plots": {"trajectories": [0, 3, 5], "title": "Three panels", "panel_titles": ["s = 1", "s = 2", "s = 3"]}}
        """#
    let grid = try ValidationGrid.parse(try InputJSON.parse(text), defaultName: "r")
    // Points: s varies slowest; 0 = (s 1, u0 0.01), 3 = (s 2, u0 0.001), 5 = (s 3, u0 0.001).
    let reduced = grid.reduced()
    #expect(reduced.plots.trajectories == [0, 3])  // s = 2 is dropped; (s 3, u0 0.001) is point 3 of the 2 x 2 grid
    #expect(reduced.plots.panelTitles == ["s = 1", "s = 3"])
    #expect(reduced.plots.title == nil)
    let all = try ValidationGrid.parse(try InputJSON.parse(text.replacingOccurrences(of: "[0, 3, 5]", with: "[0, 5]")
        .replacingOccurrences(of: #"["s = 1", "s = 2", "s = 3"]"#, with: #"["s = 1", "s = 3"]"#)), defaultName: "r").reduced()
    #expect(all.plots.trajectories == [0, 3])
    #expect(all.plots.title == "Three panels")
}
