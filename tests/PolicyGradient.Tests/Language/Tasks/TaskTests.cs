using PolicyGradient.Environments;
using PolicyGradient.Language.Tasks;
using PolicyGradient.Language.Tokenizers;

namespace PolicyGradient.Tests.Language.Tasks;

public class TaskTests
{
    static readonly TaskRegistry Registry = TaskRegistry.CreateDefault();

    public static TheoryData<string> Ids => new() { "Addition-v0", "Multiplication-v0", "Reverse-v0", "Sort-v0", "Countdown-v0" };

    [Theory, MemberData(nameof(Ids))]
    public void References_verify_and_fit_the_tokenizer(string id)
    {
        var task = Registry.Create(id);
        var tok = new CharTokenizer();
        foreach (var s in task.SampleTrain(new Rng(1), 200))
        {
            Assert.Equal(1f, task.Verify(s.Reference, s));
            Assert.Equal(1f, task.Reward(s.Prompt, s.Reference, s));
            Assert.Equal(1f, task.FormatReward(s.Reference, s));
            Assert.True(s.Reference.Length <= task.MaxCompletionLength, $"{s.Reference} longer than {task.MaxCompletionLength}");
            tok.Encode(s.Prompt + s.Reference);   // throws on a character outside the alphabet
        }
    }

    [Theory, MemberData(nameof(Ids))]
    public void Splits_are_seeded_and_disjoint(string id)
    {
        var task = Registry.Create(id);
        var a = task.SampleTrain(new Rng(7), 300).Select(s => s.Prompt).ToArray();
        var b = task.SampleTrain(new Rng(7), 300).Select(s => s.Prompt).ToArray();
        Assert.Equal(a, b);
        var heldOut = task.HeldOut(60);
        Assert.Equal(60, heldOut.Count);   // Multiplication-v0 has only ~100 held-out problems (1000 in all)
        Assert.Equal(heldOut.Select(s => s.Prompt), task.HeldOut(60).Select(s => s.Prompt));
        Assert.All(heldOut, s => Assert.True(VerifiableTask.IsHeldOut(s.Prompt)));
        Assert.Empty(a.Intersect(heldOut.Select(s => s.Prompt)));
        Assert.Equal(60, heldOut.Select(s => s.Prompt).Distinct().Count());
    }

    [Fact]
    public void Addition_exact_match_and_format()
    {
        var task = ArithmeticTask.Addition(3);
        var s = new TaskSample("123+456=", "579", [123, 456]);
        Assert.Equal(1f, task.Verify(" 579 ", s));
        Assert.Equal(0f, task.Verify("578", s));
        Assert.Equal(0f, task.Verify("5790", s));
        Assert.Equal(1f, task.FormatReward("578", s));
        Assert.Equal(0f, task.FormatReward("57a", s));
        Assert.Equal(0f, task.FormatReward("", s));
        var sample = task.SampleTrain(new Rng(3), 50);
        Assert.All(sample, p =>
        {
            var parts = p.Prompt.TrimEnd('=').Split('+').Select(int.Parse).ToArray();
            Assert.All(parts, x => Assert.InRange(x, 100, 999));
            Assert.Equal((parts[0] + parts[1]).ToString(), p.Reference);
        });
    }

    [Fact]
    public void Multiplication_verifies_the_product()
    {
        var task = ArithmeticTask.Multiplication();
        var s = new TaskSample("12*7=", "84", [12, 7]);
        Assert.Equal(1f, task.Verify("84", s));
        Assert.Equal(0f, task.Verify("85", s));
        Assert.All(task.SampleTrain(new Rng(4), 50), p =>
        {
            var parts = p.Prompt.TrimEnd('=').Split('*').Select(int.Parse).ToArray();
            Assert.Equal((parts[0] * parts[1]).ToString(), p.Reference);
        });
    }

    [Fact]
    public void Reverse_and_sort_verifiers()
    {
        var rev = SequenceTask.Reverse();
        var s = new TaskSample("abcd>", "dcba");
        Assert.Equal(1f, rev.Verify("dcba", s));
        Assert.Equal(0f, rev.Verify("abcd", s));
        Assert.Equal(1f, rev.FormatReward("abcd", s));
        Assert.Equal(0f, rev.FormatReward("dcb", s));
        var sort = SequenceTask.Sort();
        var t = new TaskSample("3152|", "1235");
        Assert.Equal(1f, sort.Verify("1235", t));
        Assert.Equal(0f, sort.Verify("1253", t));
        Assert.Equal(1f, sort.FormatReward("1253", t));
        Assert.Equal(0f, sort.FormatReward("12a5", t));
    }

    [Fact]
    public void Countdown_scores_zero_point_one_or_one_as_tinyzero()
    {
        var task = new CountdownTask();
        var s = new TaskSample("3,7,12:120=", "(3+7)*12", [3, 7, 12, 120]);
        Assert.Equal(1f, task.Reward("", "(3+7)*12", s));
        Assert.Equal(1f, task.Reward("", " 12 * (7 + 3) ", s));
        Assert.Equal(CountdownTask.FormatScore, task.Reward("", "3+7+12", s));      // wrong value
        Assert.Equal(CountdownTask.FormatScore, task.Reward("", "(3+7)*12*1", s));  // extra number
        Assert.Equal(CountdownTask.FormatScore, task.Reward("", "10*12", s));       // other numbers
        Assert.Equal(CountdownTask.FormatScore, task.Reward("", "3/(7-7)*12", s));  // division by zero, numbers wrong anyway
        Assert.Equal(0f, task.Reward("", "(3+7*12", s));                              // not an expression
        Assert.Equal(0f, task.Reward("", "abc", s));
        Assert.Equal(0f, task.Reward("", "", s));
        Assert.Equal(1f, task.Verify("(3+7)*12", s));
        Assert.Equal(0f, task.Verify("3+7+12", s));
        Assert.Equal(1f, task.FormatReward("3+7+12", s));
        Assert.Equal(0f, task.FormatReward("3+", s));
        // Fractions are exact enough: 7/3*... evaluates in double within 1e-5.
        var f = new TaskSample("3,7,9:21=", "7/3*9", [3, 7, 9, 21]);
        Assert.Equal(1f, task.Reward("", "7/3*9", f));
        var z = new TaskSample("3,3,5:0=", "", [3, 3, 5, 0]);
        Assert.Equal(CountdownTask.FormatScore, task.Reward("", "5/(3-3)", z));
    }

    [Fact]
    public void Combined_rewards_are_weighted_sums_and_throwing_marks_invalid()
    {
        var task = ArithmeticTask.Addition(1);
        var s = new TaskSample("3+4=", "7", [3, 4]);
        var combined = RewardEvaluation.Combine((task.RewardFunction, 1.0), ((_, c, x) => task.FormatReward(c, x), 0.25));
        Assert.Equal(1.25f, RewardEvaluation.Evaluate(combined, s.Prompt, "7", s).Score);
        Assert.Equal(0.25f, RewardEvaluation.Evaluate(combined, s.Prompt, "8", s).Score);
        RewardFunction broken = (_, _, _) => throw new InvalidOperationException("grader offline");
        var r = RewardEvaluation.Evaluate(RewardEvaluation.Combine((combined, 1), (broken, 0.5)), s.Prompt, "7", s);
        Assert.False(r.IsValid);
        Assert.True(float.IsNaN(r.Score));
        Assert.Contains("grader offline", r.Error);
        Assert.False(RewardEvaluation.Evaluate((_, _, _) => float.PositiveInfinity, "", "", s).IsValid);
    }

    [Fact]
    public void Registry_lists_tasks_and_rejects_unknown_ids()
    {
        Assert.Equal(5, Registry.Ids.Count);
        Assert.Equal("Sort-v0", Registry.Create("sort-v0").Id);
        Assert.Contains("Addition-v0", Assert.Throws<ArgumentException>(() => Registry.Create("Subtraction-v0")).Message);
    }
}
