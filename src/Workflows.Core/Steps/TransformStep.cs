namespace Workflows;

/// <summary>A step that computes its output with a delegate over the <see cref="StepContext"/>, without a model call.</summary>
public sealed class TransformStep : WorkflowStep
{
    private readonly Func<StepContext, object?>? _transform;
    private readonly Func<StepContext, CancellationToken, ValueTask<object?>>? _asyncTransform;

    /// <summary>Initializes a new instance of the <see cref="TransformStep"/> class with a synchronous delegate.</summary>
    /// <param name="name">The step's name.</param>
    /// <param name="transform">Computes the output.</param>
    public TransformStep(string name, Func<StepContext, object?> transform)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(transform);
        _transform = transform;
    }

    /// <summary>Initializes a new instance of the <see cref="TransformStep"/> class with an asynchronous delegate.</summary>
    /// <param name="name">The step's name.</param>
    /// <param name="transform">Computes the output; should honour the token.</param>
    public TransformStep(string name, Func<StepContext, CancellationToken, ValueTask<object?>> transform)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(transform);
        _asyncTransform = transform;
    }

    /// <inheritdoc />
    public override string StepType => "transform";

    /// <inheritdoc />
    public override ValueTask<object?> ExecuteAsync(StepContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        return _transform is not null ? ValueTask.FromResult(_transform(context)) : _asyncTransform!(context, cancellationToken);
    }
}
