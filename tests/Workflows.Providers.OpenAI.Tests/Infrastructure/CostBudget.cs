using System.Globalization;

namespace Workflows.Providers.OpenAI.Tests;

/// <summary>
/// Tracks the tokens and cost of model calls per test and for the whole suite, and fails the test that goes over its
/// budget (by default $0.10 a test and $2.00 the suite). Shared by the tests of a collection as a collection fixture.
/// </summary>
public sealed class CostBudget
{
    public const decimal DefaultPerTestUsd = 0.10m;
    public const decimal DefaultSuiteUsd = 2.00m;

    private readonly Lock _gate = new();
    private decimal _suiteCost;
    private long _suiteTokens;

    public CostBudget()
        : this(DefaultPerTestUsd, DefaultSuiteUsd)
    {
    }

    internal CostBudget(decimal perTestUsd, decimal suiteUsd)
    {
        PerTestUsd = perTestUsd;
        SuiteUsd = suiteUsd;
    }

    public decimal PerTestUsd { get; }

    public decimal SuiteUsd { get; }

    public decimal SuiteCostUsd
    {
        get
        {
            lock (_gate)
            {
                return _suiteCost;
            }
        }
    }

    public long SuiteTokens
    {
        get
        {
            lock (_gate)
            {
                return _suiteTokens;
            }
        }
    }

    public TestBudget ForTest(string testName, decimal? limitUsd = null) => new(this, testName, limitUsd ?? PerTestUsd);

    internal void Add(string testName, TokenUsage usage, decimal cost)
    {
        lock (_gate)
        {
            _suiteCost += cost;
            _suiteTokens += usage.TotalTokens ?? 0;
            if (_suiteCost > SuiteUsd)
            {
                throw new BudgetExceededException(
                    $"The suite spent ${_suiteCost.ToString(CultureInfo.InvariantCulture)} ({_suiteTokens} tokens), over its budget of " +
                    $"${SuiteUsd.ToString(CultureInfo.InvariantCulture)}; {testName} crossed it.");
            }
        }
    }
}

/// <summary>The budget of one test.</summary>
public sealed class TestBudget(CostBudget suite, string testName, decimal limitUsd)
{
    public string TestName { get; } = testName;

    public decimal LimitUsd { get; } = limitUsd;

    public decimal CostUsd { get; private set; }

    public TokenUsage Usage { get; private set; } = TokenUsage.Empty;

    /// <summary>Records a workflow run's total usage and cost; fails when the cost is unknown or over budget.</summary>
    public void Record(WorkflowResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        Record(result.Metrics.TotalUsage, result.Metrics.TotalCost);
    }

    /// <summary>Records one call; fails when the cost is unknown (an unpriced model) or the test or suite is over budget.</summary>
    public void Record(TokenUsage usage, CostEstimate cost)
    {
        ArgumentNullException.ThrowIfNull(usage);
        ArgumentNullException.ThrowIfNull(cost);
        if (!cost.IsComplete)
        {
            throw new BudgetExceededException(
                $"{TestName} called unpriced models ({string.Join(", ", cost.UnpricedModels)}), so its budget cannot be checked; add them to the price table.");
        }

        Usage += usage;
        CostUsd += cost.AmountUsd;
        suite.Add(TestName, usage, cost.AmountUsd);
        if (CostUsd > LimitUsd)
        {
            throw new BudgetExceededException(
                $"{TestName} spent ${CostUsd.ToString(CultureInfo.InvariantCulture)} ({Usage.TotalTokens} tokens), over its budget of " +
                $"${LimitUsd.ToString(CultureInfo.InvariantCulture)}.");
        }
    }
}

/// <summary>A test or the suite spent more than its budget.</summary>
public sealed class BudgetExceededException(string message) : Exception(message);

[CollectionDefinition(Name)]
public sealed class AimockCollection : ICollectionFixture<CostBudget>
{
    public const string Name = "aimock";
}
