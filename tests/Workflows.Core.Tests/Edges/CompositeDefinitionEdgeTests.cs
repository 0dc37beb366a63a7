namespace Workflows.Tests.Edges;

/// <summary>Maps, routes and loops declared in configuration: what each setting becomes on the step, and the limits.</summary>
public sealed class CompositeDefinitionEdgeTests
{
    [Fact]
    public void Map_SettingsBecomeTheStepsOptions()
    {
        var defaults = Build(new StepDefinition { Name = "each", Map = Map() });
        var set = Build(new StepDefinition
        {
            Name = "each",
            IsCritical = false,
            TimeoutSeconds = 2,
            Map = Map(itemVariable: "doc", indexVariable: "n", maxConcurrency: GenAiWorkflowOptions.MaxMaxDegreeOfParallelism),
        });

        var plain = Assert.IsType<MapStep>(defaults);
        Assert.Equal((MapStep.DefaultItemVariable, MapStep.DefaultIndexVariable, (int?)null), (plain.ItemVariable, plain.IndexVariable, plain.MaxConcurrency));
        var map = Assert.IsType<MapStep>(set);
        Assert.Equal(("doc", "n", (int?)GenAiWorkflowOptions.MaxMaxDegreeOfParallelism), (map.ItemVariable, map.IndexVariable, map.MaxConcurrency));
        Assert.Equal((false, TimeSpan.FromSeconds(2)), (map.IsCritical, map.StepTimeout));
        Assert.Equal(1, Assert.IsType<MapStep>(Build(new StepDefinition { Name = "each", Map = Map(maxConcurrency: 1) })).MaxConcurrency);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(GenAiWorkflowOptions.MaxMaxDegreeOfParallelism + 1)]
    public void Map_ConcurrencyOutOfRange_NamesTheKeyAndTheRange(int maxConcurrency)
    {
        var ex = Assert.Throws<WorkflowException>(() => Build(new StepDefinition { Name = "each", Map = Map(maxConcurrency: maxConcurrency) }));

        Assert.Equal(
            $"GenAiWorkflows:Workflows:composite:Steps:0:Map:MaxConcurrency is {maxConcurrency}, but it must be from 1 to {GenAiWorkflowOptions.MaxMaxDegreeOfParallelism}.",
            ex.Message);
    }

    [Fact]
    public void Route_SettingsBecomeTheStepsOptions()
    {
        var byVariable = Assert.IsType<RouteStep>(Build(new StepDefinition
        {
            Name = "pick",
            IsCritical = false,
            TimeoutSeconds = 3,
            Route = Route(variable: "kind", otherwise: true),
        }));
        var classifying = Assert.IsType<RouteStep>(Build(new StepDefinition
        {
            Name = "pick",
            IsCritical = false,
            TimeoutSeconds = 4,
            Route = Route(classify: "Which kind is {kind}?", model: "gpt-4o", provider: "azure"),
        }));

        Assert.Equal((false, TimeSpan.FromSeconds(3)), (byVariable.IsCritical, byVariable.StepTimeout));
        Assert.Equal("other", Assert.Single(byVariable.Otherwise!).Name);
        Assert.Equal((false, TimeSpan.FromSeconds(4)), (classifying.IsCritical, classifying.StepTimeout));
        Assert.Equal(("gpt-4o", "azure"), (classifying.Model, classifying.Provider));
        Assert.Null(classifying.Otherwise);
    }

    [Theory]
    [InlineData("gpt-4o", null, "Model")]
    [InlineData(null, "azure", "Provider")]
    public void Route_ModelOrProviderOnARouteByVariable_NamesTheSettingToRemove(string? model, string? provider, string setting)
    {
        var ex = Assert.Throws<WorkflowException>(() => Build(new StepDefinition { Name = "pick", Route = Route(variable: "kind", model: model, provider: provider) }));

        Assert.Equal($"GenAiWorkflows:Workflows:composite:Steps:0:Route:{setting} applies only to a classifying route (Classify). Remove it.", ex.Message);
    }

    [Fact]
    public async Task Route_ByVariable_TakesTheBranchOfTheTrimmedValue()
    {
        var workflow = Workflow(new StepDefinition { Name = "pick", Route = Route(variable: "kind", otherwise: true) });
        await using var engine = new WorkflowEngine(new MockChatClient());

        var result = await engine.ExecuteAsync(workflow, new Dictionary<string, object?> { ["kind"] = "  REFUND " });

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Contains(result.Steps, static s => s.StepName == "refunded");
        Assert.DoesNotContain(result.Steps, static s => s.StepName == "other");
    }

    [Fact]
    public void Loop_SettingsBecomeTheStepsOptions()
    {
        var plain = Assert.IsType<LoopStep>(Build(new StepDefinition { Name = "again", Loop = Loop(maxIterations: 1) }));
        var set = Assert.IsType<LoopStep>(Build(new StepDefinition
        {
            Name = "again",
            IsCritical = false,
            TimeoutSeconds = 5,
            Loop = Loop(maxIterations: 3, iterationVariable: "round"),
        }));

        Assert.Equal((1, LoopStep.DefaultIterationVariable), (plain.MaxIterations, plain.IterationVariable));
        Assert.Equal((3, "round"), (set.MaxIterations, set.IterationVariable));
        Assert.Equal((false, TimeSpan.FromSeconds(5)), (set.IsCritical, set.StepTimeout));
    }

    [Theory]
    [InlineData(null, "missing")]
    [InlineData(0, "0")]
    public void Loop_NoUsableMaximum_SaysWhatItIs(int? maxIterations, string shown)
    {
        var ex = Assert.Throws<WorkflowException>(() => Build(new StepDefinition { Name = "again", Loop = Loop(maxIterations: maxIterations) }));

        Assert.Equal(
            $"GenAiWorkflows:Workflows:composite:Steps:0:Loop:MaxIterations is {shown}; a loop needs a maximum number of iterations of at least 1.",
            ex.Message);
    }

    [Theory]
    [InlineData(null, "approved", 1)] // Contains, ignoring case: the first review ends the loop
    [InlineData("approved", null, 3)] // EqualTo: "APPROVED: ship it" is not equal, so the loop runs to its maximum
    [InlineData("  approved: ship it ", null, 1)] // EqualTo, trimmed and ignoring case
    public async Task LoopCondition_EqualToOrContains_DecidesWhenTheLoopEnds(string? equalTo, string? contains, int reviews)
    {
        var mock = new MockChatClient().WithFallback("APPROVED: ship it");
        var loop = Loop(maxIterations: 3, equalTo: equalTo, contains: contains);
        var workflow = Workflow(new StepDefinition { Name = "again", Loop = loop });
        await using var engine = new WorkflowEngine(mock);

        await engine.ExecuteAsync(workflow);

        Assert.Equal(reviews, mock.CallCount);
    }

    [Theory]
    [InlineData("map")]
    [InlineData("route")]
    [InlineData("classifying route")]
    [InlineData("loop")]
    public void Composite_WithAResiliencePipeline_IsRefusedNamingTheStep(string kind)
    {
        var step = new StepDefinition { Name = "outer", ResiliencePipeline = "retry" };
        switch (kind)
        {
            case "map": step.Map = Map(); break;
            case "route": step.Route = Route(variable: "kind"); break;
            case "classifying route": step.Route = Route(classify: "Which?"); break;
            default: step.Loop = Loop(maxIterations: 2); break;
        }

        var ex = Assert.Throws<WorkflowException>(() => Build(step));

        Assert.Contains("Step 'outer' is a", ex.Message, StringComparison.Ordinal);
        Assert.Contains("step with a resilience pipeline, which would re-run every step inside it.", ex.Message, StringComparison.Ordinal);
    }

    private static WorkflowStep Build(StepDefinition step) => Assert.Single(Workflow(step).Steps);

    private static Workflow Workflow(StepDefinition step)
    {
        var definition = new WorkflowDefinition();
        definition.Steps.Add(step);
        return definition.ToWorkflow("composite");
    }

    private static MapDefinition Map(string? itemVariable = null, string? indexVariable = null, int? maxConcurrency = null)
    {
        var map = new MapDefinition { Items = "docs", ItemVariable = itemVariable, IndexVariable = indexVariable, MaxConcurrency = maxConcurrency };
        map.Steps.Add(new StepDefinition { Name = "summarize", Prompt = "Summarize" });
        return map;
    }

    private static RouteDefinition Route(string? variable = null, string? classify = null, string? model = null, string? provider = null, bool otherwise = false)
    {
        var route = new RouteDefinition { Variable = variable, Classify = classify, Model = model, Provider = provider };
        var refund = new RouteBranchDefinition();
        refund.Steps.Add(new StepDefinition { Name = "refunded", Prompt = "Refund" });
        route.Routes["refund"] = refund;
        if (otherwise)
        {
            route.Otherwise = new RouteBranchDefinition();
            route.Otherwise.Steps.Add(new StepDefinition { Name = "other", Prompt = "Other" });
        }

        return route;
    }

    private static LoopDefinition Loop(int? maxIterations, string? iterationVariable = null, string? equalTo = null, string? contains = "done")
    {
        var loop = new LoopDefinition
        {
            MaxIterations = maxIterations,
            IterationVariable = iterationVariable,
            Until = new ConditionDefinition { Variable = "review", EqualTo = equalTo, Contains = equalTo is null ? contains : null },
        };
        loop.Steps.Add(new StepDefinition { Name = "review", Prompt = "Review" });
        return loop;
    }
}
