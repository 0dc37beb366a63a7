using Workflows.Tests.TestSupport;
using Xunit.Abstractions;

namespace Workflows.Tests.Safety;

/// <summary>
/// The detectors measured on the development halves of the shared corpora. The floors sit slightly under what was
/// measured when they were set (README, Safety), so a change that loses recall or adds false alarms fails here.
/// </summary>
public sealed class SafetyCorpusTests(ITestOutputHelper output)
{
    // Measured on the dev corpora when these were set: recall 1.000 for every PII type, no negative record flagged;
    // injection recall 0.791 (155/196; 0.597 before the translated, context-termination, behavior, role-play, hidden-data,
    // counterfactual, payload-splitting and encoded-payload families), no benign prompt flagged (0/295). A PII floor of
    // 0.95 allows no missed SSN (of 19) and two or three missed emails, phones or cards; 2% allows three flagged negatives
    // (of 154) or five benign prompts; the injection floor of 0.78 allows two more missed injections.
    private const double PiiRecallFloor = 0.95;
    private const double PiiFalsePositiveCeiling = 0.02;
    private const double InjectionRecallFloor = 0.78;
    private const double InjectionFalsePositiveCeiling = 0.02;

    [SharedFixtureTheory]
    [InlineData(PiiTypes.Email)]
    [InlineData(PiiTypes.Ssn)]
    [InlineData(PiiTypes.CreditCard)]
    [InlineData(PiiTypes.Phone)]
    public void PiiDetector_DevCorpus_RecallAtLeastFloor(string type)
    {
        var score = SafetyCorpus.ScorePii(new PiiDetector());

        Assert.True(
            score.Recall(type) >= PiiRecallFloor,
            $"{type} recall {score.Recall(type):F3} is under {PiiRecallFloor}. Missed:{Environment.NewLine}{string.Join(Environment.NewLine, score.Missed.Where(m => m.Contains(type, StringComparison.Ordinal)))}");
    }

    [SharedFixtureFact]
    public void PiiDetector_DevCorpusNegatives_FalsePositiveRateAtMostCeiling()
    {
        var score = SafetyCorpus.ScorePii(new PiiDetector());

        Assert.True(
            score.FalsePositiveRate() <= PiiFalsePositiveCeiling,
            $"{score.NegativeRecordsFlagged} of {score.NegativeRecords} negative records flagged. False positives:{Environment.NewLine}{string.Join(Environment.NewLine, score.FalsePositives)}");
    }

    [SharedFixtureFact]
    public void PromptInjectionDetector_DevCorpus_RecallAtLeastFloor()
    {
        var score = SafetyCorpus.ScoreInjection(new PromptInjectionDetector());

        Assert.True(score.Recall >= InjectionRecallFloor, $"Injection recall {score.Recall:F3} is under {InjectionRecallFloor}.{Environment.NewLine}{score.Report()}");
    }

    [SharedFixtureFact]
    public void PromptInjectionDetector_DevCorpusBenign_FalsePositiveRateAtMostCeiling()
    {
        var score = SafetyCorpus.ScoreInjection(new PromptInjectionDetector());

        Assert.True(
            score.FalsePositiveRate <= InjectionFalsePositiveCeiling,
            $"{score.BenignFlagged} of {score.Benign} benign prompts flagged:{Environment.NewLine}{string.Join(Environment.NewLine, score.FalseAlarms)}");
    }

    [SharedFixtureFact]
    public void PromptInjectionDetector_PiiCorpusTexts_NoneFlagged()
    {
        // Ordinary sentences and form data that say nothing to a model: an out-of-domain benign set.
        var detector = new PromptInjectionDetector();

        var flagged = SafetyCorpus.Pii.Where(r => detector.ContainsInjection(r.Text)).Select(r => r.Id).ToList();

        Assert.Empty(flagged);
    }

    /// <summary>Writes the full scoring (misses and false alarms included) to the test output, and to the file named by
    /// the <c>SAFETY_REPORT</c> environment variable when it is set; the README's tables come from it.</summary>
    [SharedFixtureFact]
    public void Report_DevCorpora_WritesMeasurementsToOutput()
    {
        var pii = SafetyCorpus.ScorePii(new PiiDetector());
        var injection = SafetyCorpus.ScoreInjection(new PromptInjectionDetector());
        var path = Environment.GetEnvironmentVariable("SAFETY_REPORT");
        var injectionDetector = new PromptInjectionDetector();
        var flaggedPiiTexts = SafetyCorpus.Pii.Where(r => injectionDetector.ContainsInjection(r.Text)).Select(r => $"{r.Id}: {string.Join("; ", injectionDetector.Detect(r.Text))}: {r.Text}").ToList();
        var report = pii.Report() + Environment.NewLine + Environment.NewLine + injection.Report() + Environment.NewLine +
            $"injection flags on the PII corpus texts: {flaggedPiiTexts.Count}/{SafetyCorpus.Pii.Count}{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", flaggedPiiTexts)}";
        if (!string.IsNullOrEmpty(path))
        {
            File.WriteAllText(path, report);
        }

        output.WriteLine(report);
        Assert.True(pii.NegativeRecords > 0 && injection.Injections > 0);
    }
}
