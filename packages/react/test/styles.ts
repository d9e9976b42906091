// Loads the kit's stylesheet into the test page (side effect import).
import '../src/styles.css';
