package dev.copyscale.scaling;

import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;

/** The AWS clients the scaling functions use: real ones in Lambda, the twin's on a laptop. */
public record ScalingClients(
    SageMakerClient sageMaker,
    ApplicationAutoScalingClient autoScaling,
    CloudWatchClient cloudWatch,
    EventBridgeClient eventBridge) {}
