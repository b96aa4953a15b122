/// Every message the command line and the validator show staff, by meaning. Each language's catalogue must hold
/// every message with the same arguments (`{1}`, `{2}`, ...); a test checks. The page's own words are `Phrase`s.
public enum Message: String, CaseIterable, Sendable, Codable {
    // MARK: How a finding reads
    case severityError
    case severityWarning
    case didYouMean

    // MARK: The strict YAML reader: shapes and types of fields
    case describedInvalid
    case dottedInvalid
    case theFile
    case aListOrMap
    case keyNotPlainWord
    case unknownField
    case unknownKey
    case mustBeKeyValueLines
    case mustBeText
    case mustBeTextNotBareNull
    case mustBeWholeNumber
    case mustBeBetween
    case mustBeNumber
    case mustBeTrueOrFalse
    case mustBeOneOf

    // MARK: What the manifest reader names
    case whatTheTour
    case whatFormat
    case whatTourID
    case whatTourTitle
    case whatDescription
    case whatTourDescription
    case whatMode
    case whatSpeed
    case whatIntro
    case whatRoute
    case whatRouteField
    case whatInLanguage
    case stopLabelID
    case stopLabelIndex
    case labelField
    case latitude
    case longitude
    case elevation
    case labelWord

    // MARK: The manifest reader's findings
    case manifestNotMapping
    case noLanguages
    case noFormat
    case noID
    case noTitleField
    case stopsNotList
    case noStopsList
    case routeNotMapping
    case stopNotMapping
    case stopNoID
    case stopNoNumber
    case locationNotMapping
    case locationNeedsBoth
    case textNotTextOrMap
    case textInLanguageNotText
    case clipsNotPathOrMap
    case badVersion
    case languagesNotList
    case notLanguageCode
    case languagesEmpty
    case badSlug

    // MARK: The tour's rules
    case formatUnsupported
    case languageTwice
    case undeclaredLanguage
    case nameTitle
    case nameTranscript
    case nameClipList
    case tourNoTitle
    case tourNoStops
    case stopIDTwice
    case numberOutOfRange
    case numberUsed
    case stopNoTitle
    case latOutOfRange
    case lonOutOfRange
    case eleOffPlanet
    case boatStopNoLocation
    case radiusNotPositive
    case boatStopNoRadius
    case dwellNegative
    case draftClips
    case noClips
    case noDefaultClip
    case missingLanguageClip
    case routeEndNotStop
    case loopEnds
    case circuityImplausible
    case speedImplausible
    case unplacedStops
    case stopDescribedTitled
    case stopDescribed

    // MARK: Clips and files
    case introClipOwner
    case stopClipOwner
    case clipProblem
    case clipEmptyPath
    case clipAbsolute
    case clipEscapes
    case clipSymlinkEscapes
    case clipMissing
    case clipFolder
    case clipNoSound
    case clipUnplayable
    case imageNotInAudio
    case idDiffersFromFolder
    case manifestEmpty
    case manifestMissing
    case manifestIsFolder
    case manifestUnopenable
    case manifestUnreadable
    case manifestTooLarge
    case manifestBinary
    case manifestNotUTF8
    case fileUnreadable
    case fileNotSmallUTF8
    case yamlSyntax
    case yamlDuplicate
    case yamlNotText
    case yamlUnreadable
    case pathProblem
    case pathIsLibrary
    case pathNoTour
    case pathNotFound
    case pathNothing

    // MARK: Spreadsheets
    case sheetEmpty
    case columnUnnamed
    case columnUnknown
    case columnLanguage
    case columnTwice
    case sheetNeedsKey
    case sheetNumberNotWhole
    case sheetBadID
    case sheetNewStopNeedsNumber
    case sheetSameStop
    case sheetNotNumber
    case sheetNeedsLatLon
    case sheetIDUsed
    case sheetFileKind
    case noSuchTour
    case fixTheseFirst
    case cannotBeRead
    case cannotBeWritten

    // MARK: audiogid validate
    case duplicateTourID
    case validateOK
    case validateErrors

    // MARK: audiogid info
    case infoNotValid
    case infoHeading
    case modeWalk
    case modeBoat
    case infoColumnStop
    case infoColumnTitle
    case infoTotals
    case infoIntro

    // MARK: audiogid import
    case importNothing
    case importDone

    // MARK: audiogid new
    case created
    case newBadID
    case newNoLanguages
    case newNoTitle
    case newExists
    case cannotWrite
}
