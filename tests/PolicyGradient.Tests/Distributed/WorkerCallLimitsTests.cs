using PolicyGradient.Distributed;

namespace PolicyGradient.Tests.Distributed;

/// <summary>The learner's bounds on a worker call grow with the calls the run measured, within their floors.</summary>
public class WorkerCallLimitsTests
{
    [Fact]
    public void Before_any_answer_the_limit_is_the_response_timeout_and_the_grace_its_floor()
    {
        var limits = new WorkerCallLimits();
        Assert.Equal(TimeSpan.FromMinutes(10), limits.Limit);
        Assert.Equal(TimeSpan.FromSeconds(5), limits.Grace);
    }

    [Fact]
    public void Fast_calls_get_the_floors()
    {
        var limits = new WorkerCallLimits();
        limits.Answered(TimeSpan.FromMilliseconds(40));
        limits.Answered(TimeSpan.FromMilliseconds(900));
        Assert.Equal(TimeSpan.FromSeconds(60), limits.Limit); // 10 x 0.9 s = 9 s < 60 s
        Assert.Equal(TimeSpan.FromSeconds(5), limits.Grace); // 2 x 0.9 s < 5 s
    }

    [Fact]
    public void Slow_calls_scale_the_limits_by_the_slowest_recent_one()
    {
        var limits = new WorkerCallLimits();
        limits.Answered(TimeSpan.FromSeconds(3));
        limits.Answered(TimeSpan.FromSeconds(8));
        limits.Answered(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(80), limits.Limit);
        Assert.Equal(TimeSpan.FromSeconds(16), limits.Grace);
    }

    [Fact]
    public void Only_the_last_window_of_calls_counts()
    {
        var limits = new WorkerCallLimits();
        limits.Answered(TimeSpan.FromSeconds(30));
        for (int i = 0; i < WorkerCallLimits.Window; i++) limits.Answered(TimeSpan.FromSeconds(7));
        Assert.Equal(TimeSpan.FromSeconds(70), limits.Limit); // the 30 s call left the window
    }
}
