package dev.copyscale.deploy;

import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The AWS clients deploy uses: real ones in Lambda, the twin's on a laptop. */
public record DeployClients(
    SageMakerClient sageMaker,
    ApplicationAutoScalingClient autoScaling,
    CloudWatchClient cloudWatch,
    SecretsManagerClient secrets,
    SchedulerClient scheduler) {}
