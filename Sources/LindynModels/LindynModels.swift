// LindynModels: placeholder until the module lands.
