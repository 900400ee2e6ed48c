package dev.copyscale.aws.observe;

/**
 * One inference component's copies as SageMaker reports them (DescribeInferenceComponent).
 *
 * @param desired its desired copy count
 * @param serving its current copy count: copies placed on instances
 */
public record ComponentCopies(int desired, int serving) {}
