using System.Text.Json;
using Workflows.Tests.TestSupport;

namespace Workflows.Tests.Safety;

/// <summary>
/// Reads the development halves of the safety corpora (<c>../shared/fixtures/safety-corpora</c>) and scores the detectors
/// the way the corpora's SOURCES.md suggests.
/// </summary>
internal static class SafetyCorpus
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    public static readonly IReadOnlyDictionary<string, string> TypeOfCorpusName = new Dictionary<string, string>
    {
        ["email"] = PiiTypes.Email,
        ["ssn"] = PiiTypes.Ssn,
        ["credit_card"] = PiiTypes.CreditCard,
        ["phone"] = PiiTypes.Phone,
    };

    private static readonly Lazy<IReadOnlyList<PiiRecord>> PiiRecords = new(() => Read<PiiRecord>("pii-dev.jsonl"));
    private static readonly Lazy<IReadOnlyList<InjectionRecord>> InjectionRecords = new(() => Read<InjectionRecord>("injection-dev.jsonl"));

    public static IReadOnlyList<PiiRecord> Pii => PiiRecords.Value;

    public static IReadOnlyList<InjectionRecord> Injection => InjectionRecords.Value;

    /// <summary>
    /// Scores PII detection: a detection overlapping a required entity of its type is a true positive, a required entity
    /// no detection overlaps is a false negative, a detection overlapping an optional entity of its type is ignored, any
    /// other detection is a false positive; the false-positive rate counts negative records (nothing expected) flagged.
    /// </summary>
    public static PiiScore ScorePii(PiiDetector detector)
    {
        var score = new PiiScore();
        foreach (var record in Pii)
        {
            var findings = detector.Detect(record.Text);
            var entities = Locate(record);
            foreach (var entity in entities.Where(static e => !e.Optional))
            {
                var hit = findings.Any(f => f.Type == entity.Type && Overlaps(f.Start, f.End, entity.Start, entity.End));
                score.Count(entity.Type, hit, record.Id, record.Text);
            }

            var unexplained = findings
                .Where(f => !entities.Any(e => e.Type == f.Type && Overlaps(f.Start, f.End, e.Start, e.End)))
                .ToList();
            score.FalsePositives.AddRange(unexplained.Select(f => $"{record.Id} {f.Type} '{record.Text.Substring(f.Start, f.Length)}' in: {record.Text}"));
            if (record.Expected.Count == 0)
            {
                score.NegativeRecords++;
                foreach (var type in findings.Select(static f => f.Type).Distinct())
                {
                    score.NegativesFlagged[type] = score.NegativesFlagged.GetValueOrDefault(type) + 1;
                }

                if (findings.Count > 0)
                {
                    score.NegativeRecordsFlagged++;
                }
            }
        }

        return score;
    }

    public static InjectionScore ScoreInjection(PromptInjectionDetector detector)
    {
        var score = new InjectionScore();
        foreach (var record in Injection)
        {
            var flagged = detector.ContainsInjection(record.Text);
            if (flagged != detector.Detect(record.Text).Count > 0)
            {
                throw new InvalidOperationException($"{record.Id}: ContainsInjection and Detect disagree.");
            }

            if (record.Label == 1)
            {
                score.Injections++;
                var group = record.Category.Split('/')[0];
                var (hits, total) = score.ByGroup.GetValueOrDefault(group);
                score.ByGroup[group] = (hits + (flagged ? 1 : 0), total + 1);
                if (flagged)
                {
                    score.InjectionsFlagged++;
                }
                else
                {
                    score.Missed.Add($"{record.Id} [{record.Category}] {record.Text}");
                }
            }
            else
            {
                score.Benign++;
                if (flagged)
                {
                    score.BenignFlagged++;
                    score.FalseAlarms.Add($"{record.Id} [{record.Category}] {string.Join("; ", detector.Detect(record.Text))}: {record.Text}");
                }
            }
        }

        return score;
    }

    private static List<LocatedEntity> Locate(PiiRecord record)
    {
        // Each listed value is one occurrence; repeated values take successive occurrences in the text.
        var located = new List<LocatedEntity>();
        var nextSearch = new Dictionary<string, int>();
        foreach (var entity in record.Expected)
        {
            var from = nextSearch.GetValueOrDefault(entity.Value);
            var index = record.Text.IndexOf(entity.Value, from, StringComparison.Ordinal);
            if (index < 0)
            {
                index = record.Text.IndexOf(entity.Value, StringComparison.Ordinal);
            }

            if (index < 0)
            {
                throw new InvalidDataException($"{record.Id}: expected value '{entity.Value}' is not in the text.");
            }

            nextSearch[entity.Value] = index + 1;
            located.Add(new LocatedEntity(TypeOfCorpusName[entity.Type], index, index + entity.Value.Length, entity.Optional));
        }

        return located;
    }

    private static bool Overlaps(int start, int end, int otherStart, int otherEnd) => start < otherEnd && otherStart < end;

    private static List<T> Read<T>(string fileName)
    {
        var path = Path.Combine(RepoPaths.SharedFixtures, "safety-corpora", fileName);
        return [.. File.ReadLines(path).Where(static l => l.Length > 0).Select(l => JsonSerializer.Deserialize<T>(l, Json)!)];
    }

    private sealed record LocatedEntity(string Type, int Start, int End, bool Optional);
}

internal sealed record PiiRecord(string Id, string Text, IReadOnlyList<PiiEntity> Expected);

internal sealed record PiiEntity(string Type, string Value, bool Optional);

internal sealed record InjectionRecord(string Id, string Text, int Label, string Category);

internal sealed class PiiScore
{
    public Dictionary<string, int> TruePositives { get; } = [];

    public Dictionary<string, int> Required { get; } = [];

    public List<string> Missed { get; } = [];

    public List<string> FalsePositives { get; } = [];

    public int NegativeRecords { get; set; }

    public int NegativeRecordsFlagged { get; set; }

    public Dictionary<string, int> NegativesFlagged { get; } = [];

    public double Recall(string type) => (double)TruePositives.GetValueOrDefault(type) / Required[type];

    public double FalsePositiveRate(string type) => (double)NegativesFlagged.GetValueOrDefault(type) / NegativeRecords;

    public double FalsePositiveRate() => (double)NegativeRecordsFlagged / NegativeRecords;

    public void Count(string type, bool hit, string id, string text)
    {
        Required[type] = Required.GetValueOrDefault(type) + 1;
        if (hit)
        {
            TruePositives[type] = TruePositives.GetValueOrDefault(type) + 1;
        }
        else
        {
            Missed.Add($"{id} {type}: {text}");
        }
    }

    public string Report() =>
        string.Join(Environment.NewLine, Required.Keys.Order().Select(t =>
            $"{t}: recall {Recall(t):F3} ({TruePositives.GetValueOrDefault(t)}/{Required[t]}), negatives flagged {FalsePositiveRate(t):F3}")) +
        $"{Environment.NewLine}negative records flagged: {FalsePositiveRate():F3} ({NegativeRecordsFlagged}/{NegativeRecords})" +
        $"{Environment.NewLine}missed:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", Missed)}" +
        $"{Environment.NewLine}false positives:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", FalsePositives)}";
}

internal sealed class InjectionScore
{
    public int Injections { get; set; }

    public int InjectionsFlagged { get; set; }

    public int Benign { get; set; }

    public int BenignFlagged { get; set; }

    public List<string> Missed { get; } = [];

    public List<string> FalseAlarms { get; } = [];

    public Dictionary<string, (int Flagged, int Total)> ByGroup { get; } = [];

    public double Recall => (double)InjectionsFlagged / Injections;

    public double FalsePositiveRate => (double)BenignFlagged / Benign;

    public string Report() =>
        $"recall {Recall:F3} ({InjectionsFlagged}/{Injections}), false-positive rate {FalsePositiveRate:F3} ({BenignFlagged}/{Benign})" +
        string.Concat(ByGroup.OrderBy(static g => g.Key, StringComparer.Ordinal).Select(static g =>
            $"{Environment.NewLine}  {g.Key}: {(double)g.Value.Flagged / g.Value.Total:F3} ({g.Value.Flagged}/{g.Value.Total})")) +
        $"{Environment.NewLine}false alarms:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", FalseAlarms)}" +
        $"{Environment.NewLine}missed:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", Missed)}";
}
