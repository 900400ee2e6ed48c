package dev.copyscale.deploy;

/** One AWS write the reconciler takes; {@link #describe()} is what the response reports. */
public sealed interface Action {
  String describe();

  record CreateModel(String name) implements Action {
    public String describe() {
      return "CreateModel " + name;
    }
  }

  record CreateEndpointConfig(String name) implements Action {
    public String describe() {
      return "CreateEndpointConfig " + name;
    }
  }

  record CreateEndpoint(String name, String config) implements Action {
    public String describe() {
      return "CreateEndpoint " + name + " with " + config;
    }
  }

  record UpdateEndpoint(String name, String config) implements Action {
    public String describe() {
      return "UpdateEndpoint " + name + " to " + config;
    }
  }

  /** SageMaker is reported to refuse creating with 0 copies, so {@code copies} is at least 1. */
  record CreateComponent(String name, String model, int copies) implements Action {
    public String describe() {
      return "CreateInferenceComponent "
          + name
          + " ("
          + model
          + ", "
          + copies
          + (copies == 1 ? " copy)" : " copies)");
    }
  }

  /**
   * A LoRA adapter inference component on {@code base} (Specification.BaseInferenceComponentName),
   * its weights at {@code artifactUrl} (Container.ArtifactUrl): no compute and no copy count of its
   * own.
   */
  record CreateAdapter(String name, String base, String artifactUrl) implements Action {
    public String describe() {
      return "CreateInferenceComponent " + name + " (adapter on " + base + ", " + artifactUrl + ")";
    }
  }

  record UpdateComponent(String name, String model) implements Action {
    public String describe() {
      return "UpdateInferenceComponent " + name + " (" + model + ")";
    }
  }

  record SetCopyCount(String name, int from, int to, String reason) implements Action {
    public String describe() {
      return "UpdateInferenceComponentRuntimeConfig "
          + name
          + ": copies "
          + from
          + " -> "
          + to
          + " ("
          + reason
          + ")";
    }
  }

  record RegisterTarget(String resourceId, int min, int max) implements Action {
    public String describe() {
      return "RegisterScalableTarget " + resourceId + " [" + min + ", " + max + "]";
    }
  }

  record PutTargetTracking(String policy) implements Action {
    public String describe() {
      return "PutScalingPolicy " + policy + " (TargetTrackingScaling)";
    }
  }

  /** A native step policy and its alarm, whose action is the policy. */
  record PutStepPolicy(String specPolicy, String policy, String alarm) implements Action {
    public String describe() {
      return "PutScalingPolicy " + policy + " (StepScaling) and PutMetricAlarm " + alarm;
    }
  }

  /** A scaling policy on the scalable target {@code resourceId}. */
  record DeletePolicy(String policy, String resourceId) implements Action {
    public String describe() {
      return "DeleteScalingPolicy " + policy;
    }
  }

  record DeleteAlarm(String alarm) implements Action {
    public String describe() {
      return "DeleteAlarms " + alarm;
    }
  }

  record DeregisterTarget(String resourceId) implements Action {
    public String describe() {
      return "DeregisterScalableTarget " + resourceId;
    }
  }

  record DeleteComponent(String name) implements Action {
    public String describe() {
      return "DeleteInferenceComponent " + name;
    }
  }

  record DeleteEndpoint(String name) implements Action {
    public String describe() {
      return "DeleteEndpoint " + name;
    }
  }

  record DeleteEndpointConfig(String name) implements Action {
    public String describe() {
      return "DeleteEndpointConfig " + name;
    }
  }

  record DeleteModel(String name) implements Action {
    public String describe() {
      return "DeleteModel " + name;
    }
  }

  /**
   * An alarm of an orchestrated step policy: no action; the EventBridge rule routes its changes.
   */
  record PutAlarm(String specPolicy, String alarm) implements Action {
    public String describe() {
      return "PutMetricAlarm " + alarm;
    }
  }

  record PutSchedule(String group, String schedule) implements Action {
    public String describe() {
      return "CreateSchedule/UpdateSchedule " + group + "/" + schedule;
    }
  }

  record DeleteSchedule(String group, String schedule) implements Action {
    public String describe() {
      return "DeleteSchedule " + group + "/" + schedule;
    }
  }

  record DeleteScheduleGroup(String group) implements Action {
    public String describe() {
      return "DeleteScheduleGroup " + group;
    }
  }
}
