using PolicyGradient.Training.Plotting;

namespace PolicyGradient.Language.Runs;

/// <summary>learning-curve.png of a language run: the run layer's plot (reward mean, sample and held-out accuracy, or SFT loss, against steps).</summary>
internal static class LanguageCurvePlot
{
    public static void Save(string progressCsv, string outPath, string title) =>
        LearningCurvePlot.Save([(title, Path.GetDirectoryName(Path.GetFullPath(progressCsv))!)], outPath);
}
