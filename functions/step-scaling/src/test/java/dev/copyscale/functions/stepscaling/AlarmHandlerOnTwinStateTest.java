package dev.copyscale.functions.stepscaling;

import dev.copyscale.aws.store.StateStore;
import dev.copyscale.twin.world.TwinWorld;

/** The alarm handler with the twin's in-memory state table. */
class AlarmHandlerOnTwinStateTest extends AlarmHandlerTest {
  @Override
  StateStore stateTable(TwinWorld world) {
    return world.stateTable();
  }
}
