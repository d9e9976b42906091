// Browser test setup: the kit's stylesheet is NOT loaded globally (the isolation test loads it
// itself); suites that need it import './styles.js'.
document.documentElement.lang = 'en';
if (!document.title) document.title = 'Auterity kit tests';
