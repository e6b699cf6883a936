// The umbrella module: `import Lindyn` gives the whole library (expressions, closed forms,
// tables and plots, the GSL integrator, the models and the validation and derivation checks).
@_exported import LindynExpr
@_exported import LindynIntegrator
@_exported import LindynModels
@_exported import LindynReport
@_exported import LindynTheory
@_exported import LindynValidation
@_exported import LindynCheck
