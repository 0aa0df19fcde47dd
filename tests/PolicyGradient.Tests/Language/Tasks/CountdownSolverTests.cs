using PolicyGradient.Environments;
using PolicyGradient.Language.Runs;
using PolicyGradient.Language.Tasks;

namespace PolicyGradient.Tests.Language.Tasks;

public class CountdownSolverTests
{
    [Theory]
    [InlineData(new[] { 3, 7, 12 }, 22, "3+7+12")]          // prompt order, + first
    [InlineData(new[] { 3, 7, 12 }, 120, "(3+7)*12")]       // left-deep: (3 o 7) o 12, outer * after + and −
    [InlineData(new[] { 3, 7, 12 }, -2, "3+7-12")]
    [InlineData(new[] { 3, 7, 12 }, 33, "3*7+12")]          // outer + before outer *: (3*7)+12 comes first
    [InlineData(new[] { 12, 3, 7 }, 11, "12/3+7")]
    [InlineData(new[] { 2, 5, 4 }, 2, "2*(5-4)")]           // no left-deep solution in prompt order: 2 o (5 o 4)
    [InlineData(new[] { 2, 3, 9 }, 6, "2/3*9")]             // fractions in between: (2/3)*9
    [InlineData(new[] { 4, 3, 2 }, 11, "4*2+3")]            // only after reordering the numbers: (4,2,3)
    [InlineData(new[] { 10, 4, 3 }, 3, "10-4-3")]           // left-deep and left-associative: no brackets
    [InlineData(new[] { 1, 2, 3, 4 }, 24, "(1+2+3)*4")]
    [InlineData(new[] { 5, 5 }, 1, "5/5")]
    public void Solves_in_the_documented_order(int[] numbers, int target, string expected) =>
        Assert.Equal(expected, CountdownSolver.Solve(numbers, target));

    [Fact]
    public void Returns_null_when_no_expression_reaches_the_target()
    {
        Assert.Null(CountdownSolver.Solve([1, 1], 5));
        Assert.Null(CountdownSolver.Solve([1, 2, 3, 4, 5], 15));   // beyond MaxNumbers
    }

    [Fact]
    public void Solver_references_verify_and_leave_the_problems_unchanged()
    {
        var generated = new CountdownTask();
        var solver = new CountdownTask(solverReference: true);
        var a = generated.SampleTrain(new Rng(3), 300);
        var b = solver.SampleTrain(new Rng(3), 300);
        Assert.Equal(a.Select(s => s.Prompt), b.Select(s => s.Prompt));
        Assert.All(b, s => Assert.Equal(1f, solver.Reward(s.Prompt, s.Reference, s)));
        Assert.All(b, s => Assert.True(s.Reference.Length <= solver.MaxCompletionLength, s.Reference));
        // One reference per prompt: the same prompt always gets the same solution, unlike the generated references.
        Assert.All(b, s => Assert.Equal(CountdownSolver.Solve(s.Numbers.Take(3).ToArray(), s.Numbers[3]), s.Reference));
        Assert.True(a.Zip(b).Count(p => p.First.Reference != p.Second.Reference) > 100);
    }

    [Fact]
    public void Task_argument_selects_the_reference_and_rejects_unknown_values()
    {
        var task = LanguageTasks.Create("Countdown-v0", new Dictionary<string, object> { ["solution"] = "solver" });
        var s = task.SampleTrain(new Rng(5), 1)[0];
        Assert.Equal(CountdownSolver.Solve(s.Numbers.Take(3).ToArray(), s.Numbers[3]), s.Reference);
        var e = Assert.Throws<ArgumentException>(() => LanguageTasks.Create("Countdown-v0", new Dictionary<string, object> { ["solution"] = "best" }));
        Assert.Contains("task.solution", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CountdownTask(count: 5, solverReference: true));
    }
}
