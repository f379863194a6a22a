from core.ports import Port


def test_a_port_uses_its_default_until_provided_and_can_be_reset() -> None:
    port: Port[[int], int] = Port("double", default=lambda n: 0)
    assert port(3) == 0
    assert not port.provided
    port.provide(lambda n: n * 2)
    assert port(3) == 6
    assert port.provided
    port.reset()
    assert port(3) == 0
