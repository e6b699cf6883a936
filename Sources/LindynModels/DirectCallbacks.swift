import LindynIntegrator

// GSL calls the built-in flows through C callbacks specialised for each type (one direct call
// into the inlined right-hand side, as for hand-written C); see `_DirectCallbacks`.

extension ScalarModel.Flow: _DirectCallbacks {
    package static var _cRightHandSide: _CRightHandSide { { _directRightHandSide(ScalarModel.Flow.self, $0, $1, $2, $3) } }
    package static var _cJacobian: _CJacobian { { _directJacobian(ScalarModel.Flow.self, $0, $1, $2, $3, $4) } }
}

extension ChainModel.Flow: _DirectCallbacks {
    package static var _cRightHandSide: _CRightHandSide { { _directRightHandSide(ChainModel.Flow.self, $0, $1, $2, $3) } }
    package static var _cJacobian: _CJacobian { { _directJacobian(ChainModel.Flow.self, $0, $1, $2, $3, $4) } }
}

extension ModeModel.Flow: _DirectCallbacks {
    package static var _cRightHandSide: _CRightHandSide { { _directRightHandSide(ModeModel.Flow.self, $0, $1, $2, $3) } }
    package static var _cJacobian: _CJacobian { { _directJacobian(ModeModel.Flow.self, $0, $1, $2, $3, $4) } }
}

extension NetworkModel.Flow: _DirectCallbacks {
    package static var _cRightHandSide: _CRightHandSide { { _directRightHandSide(NetworkModel.Flow.self, $0, $1, $2, $3) } }
    package static var _cJacobian: _CJacobian { { _directJacobian(NetworkModel.Flow.self, $0, $1, $2, $3, $4) } }
}

extension CompiledFlow: _DirectCallbacks {
    package static var _cRightHandSide: _CRightHandSide { { _directRightHandSide(CompiledFlow.self, $0, $1, $2, $3) } }
    package static var _cJacobian: _CJacobian { { _directJacobian(CompiledFlow.self, $0, $1, $2, $3, $4) } }
}
