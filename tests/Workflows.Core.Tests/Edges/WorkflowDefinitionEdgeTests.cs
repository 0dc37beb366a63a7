using System.Text.Json;

namespace Workflows.Tests.Edges;

/// <summary>A workflow built from a definition in code (<see cref="WorkflowDefinition.ToWorkflow"/>) and its errors.</summary>
public sealed class WorkflowDefinitionEdgeTests
{
    [Fact]
    public void ToWorkflow_PromptStepWithEverySetting_BuildsTheModelStepAsConfigured()
    {
        var definition = new WorkflowDefinition();
        definition.Steps.Add(new StepDefinition
        {
            Name = "draft",
            Prompt = "Write about {topic}",
            SystemPrompt = "Be brief",
            Provider = "azure",
            Model = "gpt-4o",
            Temperature = 0.2,
            MaxTokens = 300,
            TopP = 0.9,
            IsCritical = false,
            TimeoutSeconds = 2.5,
            ResiliencePipeline = "llm-retry",
            RetryProviderErrors = true,
        });

        var workflow = definition.ToWorkflow("articles");

        Assert.Equal("articles", workflow.Name);
        var step = Assert.IsType<LlmStep>(Assert.Single(workflow.Steps));
        Assert.Equal("draft", step.Name);
        Assert.Equal("Write about {topic}", step.Prompt.Text);
        Assert.Equal("Be brief", step.SystemPrompt?.Text);
        Assert.Equal("azure", step.Provider);
        Assert.Equal("gpt-4o", step.Model);
        Assert.Equal(0.2, step.Temperature);
        Assert.Equal(300, step.MaxTokens);
        Assert.Equal(0.9, step.TopP);
        Assert.False(step.IsCritical);
        Assert.Equal(TimeSpan.FromSeconds(2.5), step.StepTimeout);
        Assert.Equal("llm-retry", step.ResiliencePipelineName);
        Assert.True(step.RetryProviderErrors);
        Assert.Null(step.OutputSchema);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void ToWorkflow_BlankName_Throws(string name)
    {
        var definition = new WorkflowDefinition();
        definition.Steps.Add(new StepDefinition { Name = "a", Prompt = "hi" });

        var ex = Assert.Throws<ArgumentException>(() => definition.ToWorkflow(name));

        Assert.Equal("name", ex.ParamName);
    }

    [Fact]
    public void ToWorkflow_NoSteps_NamesTheKeyToAddThemUnder()
    {
        var ex = Assert.Throws<WorkflowException>(() => new WorkflowDefinition().ToWorkflow("empty"));

        Assert.Equal(
            "GenAiWorkflows:Workflows:empty has no steps. Add entries under GenAiWorkflows:Workflows:empty:Steps, each with a Name and a Prompt.",
            ex.Message);
        Assert.Equal("empty", ex.WorkflowName);
    }

    [Fact]
    public void ToWorkflow_MaxDegreeOfParallelismOnAModelStep_IsRefused()
    {
        var definition = new WorkflowDefinition();
        definition.Steps.Add(new StepDefinition { Name = "a", Prompt = "hi", MaxDegreeOfParallelism = 2 });

        var ex = Assert.Throws<WorkflowException>(() => definition.ToWorkflow("wf"));

        Assert.Equal(
            "GenAiWorkflows:Workflows:wf:Steps:0:MaxDegreeOfParallelism is set on step 'a', which is not a parallel group. Remove it (a map has Map:MaxConcurrency).",
            ex.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(GenAiWorkflowOptions.MaxMaxDegreeOfParallelism + 1)]
    public void ToWorkflow_ParallelGroupDegreeOutOfRange_NamesTheRange(int degree)
    {
        var ex = Assert.Throws<WorkflowException>(() => ParallelGroup(degree).ToWorkflow("wf"));

        Assert.Equal(
            $"GenAiWorkflows:Workflows:wf:Steps:0:MaxDegreeOfParallelism is {degree}, but it must be from 1 to {GenAiWorkflowOptions.MaxMaxDegreeOfParallelism}.",
            ex.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(GenAiWorkflowOptions.MaxMaxDegreeOfParallelism)]
    public void ToWorkflow_ParallelGroupDegreeAtTheEdges_IsAccepted(int degree)
    {
        var group = Assert.IsType<ParallelStep>(Assert.Single(ParallelGroup(degree).ToWorkflow("wf").Steps));

        Assert.Equal(degree, group.MaxDegreeOfParallelism);
        Assert.Equal(["left", "right"], group.Branches.Select(static s => s.Name));
    }

    [Theory]
    [InlineData("gpt-4o", null, "Model")]
    [InlineData(null, "azure", "Provider")]
    [InlineData("gpt-4o", "azure", "Model")]
    public void ToWorkflow_RouteOnAVariableWithAModelSetting_NamesTheSettingToRemove(string? model, string? provider, string named)
    {
        var route = new RouteDefinition { Variable = "kind", Model = model, Provider = provider };
        route.Routes["a"] = new RouteBranchDefinition();
        route.Routes["a"].Steps.Add(new StepDefinition { Name = "answer", Prompt = "hi" });
        var definition = new WorkflowDefinition();
        definition.Steps.Add(new StepDefinition { Name = "pick", Route = route });

        var ex = Assert.Throws<WorkflowException>(() => definition.ToWorkflow("wf"));

        Assert.Equal(
            $"GenAiWorkflows:Workflows:wf:Steps:0:Route:{named} applies only to a classifying route (Classify). Remove it.",
            ex.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    public void ToWorkflow_LoopConditionWithoutVariable_AsksForIt(string? variable)
    {
        var loop = new LoopDefinition { MaxIterations = 3, Until = new ConditionDefinition { Variable = variable, Contains = "ok" } };
        loop.Steps.Add(new StepDefinition { Name = "try", Prompt = "again" });
        var definition = new WorkflowDefinition();
        definition.Steps.Add(new StepDefinition { Name = "retry", Loop = loop });

        var ex = Assert.Throws<WorkflowException>(() => definition.ToWorkflow("wf"));

        Assert.Equal("GenAiWorkflows:Workflows:wf:Steps:0:Loop:Until:Variable is missing. Name the variable the condition reads.", ex.Message);
    }

    [Fact]
    public void ToWorkflow_StepSettingNoKind_SaysNoneOfThem()
    {
        var ex = Assert.Throws<WorkflowException>(() => Single(new StepDefinition { Name = "idle" }).ToWorkflow("wf"));

        Assert.Equal(
            "GenAiWorkflows:Workflows:wf:Steps:0 (step 'idle') must set exactly one of Prompt (a model step), Step (a step type registered " +
            "with AddStep<T>()), Parallel, Map, Route, Loop or Workflow; it sets none of them.",
            ex.Message);
    }

    [Fact]
    public void ToWorkflow_StepSettingTwoKinds_NamesBoth()
    {
        var ex = Assert.Throws<WorkflowException>(() => Single(new StepDefinition { Name = "both", Prompt = "hi", Workflow = "other" }).ToWorkflow("wf"));

        Assert.EndsWith("Parallel, Map, Route, Loop or Workflow; it sets Prompt and Workflow.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToWorkflow_EmptyStepEntry_AsksForANameAndPrompt()
    {
        var definition = new WorkflowDefinition();
        definition.Steps.Add(new StepDefinition { Name = "first", Prompt = "hi" });
        definition.Steps.Add(null!);

        var ex = Assert.Throws<WorkflowException>(() => definition.ToWorkflow("wf"));

        Assert.Equal("GenAiWorkflows:Workflows:wf:Steps:1 is empty. Give the step a Name and a Prompt.", ex.Message);
    }

    [Fact]
    public void ToWorkflow_OutputSchemaNotAnObject_SaysWhatItIs()
    {
        var ex = Assert.Throws<WorkflowException>(
            () => Single(new StepDefinition { Name = "ask", Prompt = "hi", OutputSchema = "[1, 2]" }).ToWorkflow("wf"));

        Assert.Equal(
            "GenAiWorkflows:Workflows:wf:Steps:0:OutputSchema of step 'ask' must be a JSON object (a JSON schema), not a JSON Array.", ex.Message);
    }

    [Fact]
    public void ToWorkflow_OutputSchemaObject_IsTheStepsSchema()
    {
        var step = Assert.IsType<LlmStep>(
            Assert.Single(Single(new StepDefinition { Name = "ask", Prompt = "hi", OutputSchema = """{"type":"object"}""" }).ToWorkflow("wf").Steps));

        Assert.Equal("object", step.OutputSchema?.GetProperty("type").GetString());
    }

    [Fact]
    public void ToWorkflow_UnregisteredStepType_SaysHowToRegisterIt()
    {
        var ex = Assert.Throws<WorkflowException>(
            () => Single(new StepDefinition { Name = "enrich", Step = "Enricher" }).ToWorkflow("wf", resolveStepType: static _ => null));

        Assert.Equal(
            "GenAiWorkflows:Workflows:wf:Steps:0:Step is 'Enricher', but no step type of that name is registered. Register it with AddStep<Enricher>().",
            ex.Message);
    }

    [Fact]
    public void ToWorkflow_RegisteredStepType_BuildsAServiceStepWithItsSettings()
    {
        var step = Assert.IsType<ServiceStep>(Assert.Single(Single(new StepDefinition
        {
            Name = "enrich",
            Step = "Enricher",
            IsCritical = false,
            ResiliencePipeline = "retry",
            RetryProviderErrors = true,
        }).ToWorkflow("wf", resolveStepType: static name => name == "Enricher" ? typeof(EnricherStep) : null).Steps));

        Assert.Equal(typeof(EnricherStep), step.ImplementationType);
        Assert.False(step.IsCritical);
        Assert.Equal("retry", step.ResiliencePipelineName);
        Assert.True(step.RetryProviderErrors);
    }

    [Fact]
    public void ToWorkflow_WorkflowReferringToItself_NamesTheCycle()
    {
        var ex = Assert.Throws<WorkflowException>(() => Single(new StepDefinition { Name = "again", Workflow = "loop" }).ToWorkflow("loop"));

        Assert.Equal(
            "GenAiWorkflows:Workflows:loop:Steps:0:Workflow is 'loop', which makes a cycle of workflows: loop -> loop. A workflow cannot run itself.",
            ex.Message);
    }

    [Fact]
    public void ToWorkflow_WorkflowReferringToAnUnknownOne_SaysWhichExist()
    {
        var ex = Assert.Throws<WorkflowException>(() => Single(new StepDefinition { Name = "call", Workflow = "missing" }).ToWorkflow("main"));

        Assert.Equal(
            "GenAiWorkflows:Workflows:main:Steps:0:Workflow is 'missing', but GenAiWorkflows:Workflows has no workflow of that name (it has main).",
            ex.Message);
    }

    [Fact]
    public void Engine_ConfiguredWorkflowReferringToAnInvalidOne_WrapsItsError()
    {
        var options = new GenAiWorkflowOptions();
        options.Workflows["main"] = Single(new StepDefinition { Name = "call", Workflow = "broken" });
        options.Workflows["broken"] = Single(new StepDefinition { Name = "idle" });

        var ex = Assert.Throws<WorkflowException>(() => new WorkflowEngine(new MockChatClient(), options));

        Assert.StartsWith(
            "GenAiWorkflows:Workflows:main:Steps:0:Workflow is 'broken', which is not valid: GenAiWorkflows:Workflows:broken:Steps:0 (step 'idle') must set exactly one of",
            ex.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Workflow_TwoStepsWithOneName_NamesBothPlaces()
    {
        var group = new ParallelStep("both", [new TransformStep("draft", _ => null), new TransformStep("other", _ => null)]);

        var ex = Assert.Throws<WorkflowException>(() => new Workflow("wf", [new TransformStep("draft", _ => null), group]));

        Assert.Equal(
            "Workflow 'wf' has two steps named 'draft' (at 'draft' and 'both/draft'). Step names must be unique across the whole workflow, " +
            "branches and sub-workflows included, because later steps read outputs by name.",
            ex.Message);
    }

    [Fact]
    public void Workflow_CompositeStepWithResiliencePipeline_IsRefused()
    {
        var group = new ParallelStep("both", [new TransformStep("a", _ => null), new TransformStep("b", _ => null)]) { ResiliencePipelineName = "retry" };

        var ex = Assert.Throws<WorkflowException>(() => new Workflow("wf", [group]));

        Assert.Equal(
            "Step 'both' is a parallel step with a resilience pipeline, which would re-run every step inside it. " +
            "Put the resilience pipeline on the steps inside it instead.",
            ex.Message);
    }

    [Fact]
    public async Task OutputSchemaWithoutType_ReplyIsNotJson_StepFailsWithStructuredOutputError()
    {
        using var schema = JsonDocument.Parse("""{"type":"object"}""");
        await using var engine = new WorkflowEngine(new MockChatClient().WithFallback("certainly not json"));
        var workflow = new Workflow("typed", [new LlmStep("ask", "Give JSON") { OutputSchema = schema.RootElement.Clone() }]);

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(typeof(StructuredOutputException).FullName, result.Error?.ExceptionType);
        Assert.StartsWith("Step 'ask' asked for JSON output, but the model's reply is not valid JSON: ", result.Error?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StepContextGet_WrongType_NamesBothTypesAndStringsAreFormatted()
    {
        string? asText = null;
        InvalidCastException? wrongType = null;
        await using var engine = new WorkflowEngine();
        var workflow = Workflow.Create("vars")
            .AddTransformStep("count", _ => 42)
            .AddTransformStep("read", ctx =>
            {
                asText = ctx.Get<string>("count");
                wrongType = Assert.Throws<InvalidCastException>(() => ctx.Get<DateTime>("count"));
                return null;
            })
            .Build();

        var result = await engine.ExecuteAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal("42", asText);
        Assert.Equal("Variable 'count' holds a System.Int32, not a System.DateTime.", wrongType?.Message);
    }

    private static WorkflowDefinition Single(StepDefinition step)
    {
        var definition = new WorkflowDefinition();
        definition.Steps.Add(step);
        return definition;
    }

    private sealed class EnricherStep() : WorkflowStep("enricher")
    {
        public override ValueTask<object?> ExecuteAsync(StepContext context, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<object?>(null);
    }

    private static WorkflowDefinition ParallelGroup(int degree)
    {
        var group = new StepDefinition { Name = "both", MaxDegreeOfParallelism = degree };
        group.Parallel.Add(new StepDefinition { Name = "left", Prompt = "left" });
        group.Parallel.Add(new StepDefinition { Name = "right", Prompt = "right" });
        var definition = new WorkflowDefinition();
        definition.Steps.Add(group);
        return definition;
    }

    [Fact]
    public void ToWorkflow_StepNameTheBuilderRefuses_TheBuildersErrorIsPrefixedWithTheStepsKey()
    {
        var definition = new WorkflowDefinition();
        definition.Steps.Add(new StepDefinition { Name = "bad name", Prompt = "hi" });

        var ex = Assert.Throws<WorkflowException>(() => definition.ToWorkflow("named"));

        Assert.StartsWith(
            "GenAiWorkflows:Workflows:named:Steps:0: The step name 'bad name' is not valid. A step name starts with a letter or '_'",
            ex.Message,
            StringComparison.Ordinal);
        Assert.IsType<WorkflowException>(ex.InnerException);
        Assert.Equal("named", ex.WorkflowName);
    }
}
