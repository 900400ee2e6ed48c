package dev.copyscale.aws.scaling;

import dev.copyscale.aws.testing.TwinStack;

/** The alarm service with the state table in memory, as the twin's world keeps it. */
class AlarmServiceOnTwinStateTest extends AlarmServiceTest {
  @Override
  TwinStack stack() {
    return TwinStack.fresh(TwinStack.START);
  }
}
